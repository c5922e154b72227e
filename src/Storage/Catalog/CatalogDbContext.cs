using Microsoft.EntityFrameworkCore;
using Telemed.Storage.Accounts;
using Telemed.Storage.Audit;
using Telemed.Storage.Consults;
using Telemed.Storage.Patients;
using Telemed.Storage.Referrals;

namespace Telemed.Storage.Catalog;

/// <summary>
/// The catalog: every durable domain fact the hub keeps besides blobs. One model, two providers; each provider has
/// its own migrations (<see cref="SqliteCatalogDbContext"/>, <see cref="PostgresCatalogDbContext"/>) because their SQL
/// differs.
/// </summary>
public abstract class CatalogDbContext(DbContextOptions options) : DbContext(options)
{
    private static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long> UnixMilliseconds =
        new(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));

    public DbSet<StoredInstance> Instances => Set<StoredInstance>();

    public DbSet<Device> Devices => Set<Device>();

    public DbSet<WorklistItem> Worklist => Set<WorklistItem>();

    public DbSet<GrainStateRecord> GrainStates => Set<GrainStateRecord>();

    public DbSet<ReminderRecord> Reminders => Set<ReminderRecord>();

    public DbSet<PendingIngestEvent> IngestOutbox => Set<PendingIngestEvent>();

    public DbSet<UserAccount> Users => Set<UserAccount>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<AuditHead> AuditHead => Set<AuditHead>();

    public DbSet<CaseRecord> CaseRecords => Set<CaseRecord>();
    public DbSet<Patient> Patients => Set<Patient>();

    public DbSet<PatientIdentifier> PatientIdentifiers => Set<PatientIdentifier>();

    public DbSet<ReferralRecord> ReferralRecords => Set<ReferralRecord>();

    public DbSet<ConsultMessageRecord> ConsultMessages => Set<ConsultMessageRecord>();

    public DbSet<ConsultReceiptRecord> ConsultReceipts => Set<ConsultReceiptRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StoredInstance>(instance =>
        {
            instance.ToTable("instances");
            instance.HasKey(i => i.Id);
            instance.Property(i => i.SopInstanceUid).HasMaxLength(64);
            instance.Property(i => i.SopClassUid).HasMaxLength(64);
            instance.Property(i => i.StudyInstanceUid).HasMaxLength(64);
            instance.Property(i => i.SeriesInstanceUid).HasMaxLength(64);
            instance.Property(i => i.TransferSyntaxUid).HasMaxLength(64);
            instance.Property(i => i.PatientId).HasMaxLength(64);
            instance.Property(i => i.PatientName).HasMaxLength(324);
            instance.Property(i => i.Modality).HasMaxLength(16);
            instance.Property(i => i.AccessionNumber).HasMaxLength(16);
            instance.Property(i => i.StudyDate).HasMaxLength(8);
            instance.Property(i => i.BlobHash).HasMaxLength(64);
            instance.Property(i => i.SourceAeTitle).HasMaxLength(16);
            instance.Property(i => i.SourceAddress).HasMaxLength(64);
            instance.Property(i => i.DeviceId).HasMaxLength(64);
            instance.Property(i => i.InstitutionId).HasMaxLength(64);
            // A resend of the same bytes must find its row, never add one: this index makes that hold under races.
            instance.HasIndex(i => new { i.SopInstanceUid, i.BlobHash }).IsUnique();
            instance.HasIndex(i => new { i.SopInstanceUid, i.Version }).IsUnique();
            instance.Property(i => i.PatientNameKey).HasMaxLength(PersonNameSearchKey.MaxLength);
            instance.Property(i => i.PatientBirthDate).HasMaxLength(8);
            instance.Property(i => i.PatientSex).HasMaxLength(16);
            instance.Property(i => i.StudyTime).HasMaxLength(16);
            instance.Property(i => i.StudyId).HasMaxLength(16);
            instance.Property(i => i.StudyDescription).HasMaxLength(64);
            instance.Property(i => i.ReferringPhysicianName).HasMaxLength(324);
            instance.Property(i => i.SeriesDescription).HasMaxLength(64);
            instance.HasIndex(i => i.StudyInstanceUid);
            instance.HasIndex(i => i.PatientId);
            // DICOMweb QIDO (PS3.18 §10.6): results come newest study first, then series and instance order. With
            // this index SQLite walks studies (and series, instances) in that order, checks the caller's institutions
            // in the index itself and stops at the page's end instead of grouping and sorting every row; a study
            // date range is a range of it. There is deliberately no index led by the institution: the planner would
            // take it for a scope of several institutions and sort everything.
            // Modality and the folded name ride along so their conditions are checked in the index too (SQLite seeks
            // the table row only for rows that pass): a rare name scans the index, not 100,000 table rows.
            instance.HasIndex(i => new { i.StudyDate, i.StudyInstanceUid, i.SeriesNumber, i.SeriesInstanceUid, i.InstanceNumber, i.InstitutionId, i.Modality, i.PatientNameKey })
                .IsDescending(true, true, false, false, false, false, false, false)
                .HasDatabaseName("IX_instances_qido_order");
            instance.HasIndex(i => i.SeriesInstanceUid);
            instance.HasIndex(i => i.AccessionNumber);
        });

        modelBuilder.Entity<Device>(device =>
        {
            device.ToTable("devices");
            device.HasKey(d => d.Id);
            device.Property(d => d.Id).HasMaxLength(64);
            device.Property(d => d.Name).HasMaxLength(128);
            device.Property(d => d.Kind).HasConversion<string>().HasMaxLength(32);
            device.Property(d => d.InstitutionId).HasMaxLength(64);
            device.Property(d => d.AeTitle).HasMaxLength(16);
            device.Property(d => d.AllowedAddresses).HasMaxLength(1024);
            device.Property(d => d.TokenHash).HasMaxLength(64);
            // Optimistic concurrency: an update names the version it read, so two admins cannot overwrite each other.
            device.Property(d => d.Version).IsConcurrencyToken();
            // One device per calling AE title: the title is how an association finds its device.
            device.HasIndex(d => d.AeTitle).IsUnique();
        });

        modelBuilder.Entity<WorklistItem>(item =>
        {
            item.ToTable("worklist_items");
            item.HasKey(w => w.Id);
            item.Property(w => w.InstitutionId).HasMaxLength(64);
            item.Property(w => w.PatientId).HasMaxLength(64);
            item.Property(w => w.PatientName).HasMaxLength(324);
            item.Property(w => w.PatientBirthDate).HasMaxLength(8);
            item.Property(w => w.PatientSex).HasMaxLength(16);
            item.Property(w => w.AccessionNumber).HasMaxLength(16);
            item.Property(w => w.RequestedProcedureId).HasMaxLength(16);
            item.Property(w => w.RequestedProcedureDescription).HasMaxLength(64);
            item.Property(w => w.StudyInstanceUid).HasMaxLength(64);
            item.Property(w => w.Modality).HasMaxLength(16);
            item.Property(w => w.ScheduledStationAeTitle).HasMaxLength(16);
            item.Property(w => w.ScheduledStartDate).HasMaxLength(8);
            item.Property(w => w.ScheduledStartTime).HasMaxLength(16);
            item.Property(w => w.ScheduledProcedureStepId).HasMaxLength(16);
            item.Property(w => w.ScheduledProcedureStepDescription).HasMaxLength(64);
            item.Property(w => w.ReferringPhysicianName).HasMaxLength(324);
            item.HasIndex(w => new { w.InstitutionId, w.ScheduledStartDate });
            item.HasIndex(w => w.AccessionNumber);
        });

        modelBuilder.Entity<GrainStateRecord>(state =>
        {
            state.ToTable("grain_states");
            state.HasKey(g => new { g.StateName, g.GrainId });
            state.Property(g => g.StateName).HasMaxLength(128);
            state.Property(g => g.GrainId).HasMaxLength(512);
        });

        modelBuilder.Entity<ReminderRecord>(reminder =>
        {
            reminder.ToTable("reminders");
            reminder.HasKey(r => new { r.ServiceId, r.GrainId, r.ReminderName });
            reminder.Property(r => r.ServiceId).HasMaxLength(128);
            reminder.Property(r => r.GrainId).HasMaxLength(512);
            reminder.Property(r => r.ReminderName).HasMaxLength(128);
            // Each silo reads the reminders of its hash range at start and on every refresh.
            reminder.HasIndex(r => new { r.ServiceId, r.GrainHash });
        });

        modelBuilder.Entity<PendingIngestEvent>(pending =>
        {
            pending.ToTable("ingest_outbox");
            pending.HasKey(e => e.Id);
            pending.Property(e => e.EventKey).HasMaxLength(160);
            pending.Property(e => e.LastError).HasMaxLength(1024);
            // A retried announcement (e.g. an ECG stream finished again after a crash) must not queue a second row.
            pending.HasIndex(e => e.EventKey).IsUnique();
            // The dispatcher's scan: what is due and not parked.
            pending.HasIndex(e => new { e.ParkedAtUtc, e.NextAttemptAtUtc });
        });

        modelBuilder.Entity<UserAccount>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.Id);
            user.Property(u => u.Id).HasMaxLength(64);
            user.Property(u => u.DisplayName).HasMaxLength(128);
            user.Property(u => u.Role).HasConversion<string>().HasMaxLength(32);
            user.Property(u => u.CommunityId).HasMaxLength(64);
            user.Property(u => u.InstitutionId).HasMaxLength(64);
            user.Property(u => u.PasswordHash).HasMaxLength(256);
            user.Property(u => u.Version).IsConcurrencyToken();
            user.HasIndex(u => u.CommunityId);
        });

        modelBuilder.Entity<ApiToken>(token =>
        {
            token.ToTable("api_tokens");
            token.HasKey(t => t.Id);
            token.Property(t => t.UserId).HasMaxLength(64);
            token.Property(t => t.Name).HasMaxLength(128);
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.Property(t => t.CreatedBy).HasMaxLength(64);
            // Every bearer request finds its token by hash.
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => t.UserId);
        });

        modelBuilder.Entity<AuditEntry>(entry =>
        {
            entry.ToTable("audit_entries");
            // The sequence number is the key and is assigned by the log, not the database: two writers that read the
            // same tail collide here instead of forking the chain.
            entry.HasKey(e => e.Sequence);
            entry.Property(e => e.Sequence).ValueGeneratedNever();
            // Unix milliseconds: ordered and comparable on every provider (SQLite cannot compare DateTimeOffset text).
            entry.Property(e => e.At).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
            entry.Property(e => e.UserId).HasMaxLength(64);
            entry.Property(e => e.CommunityId).HasMaxLength(64);
            entry.Property(e => e.Action).HasMaxLength(64);
            entry.Property(e => e.Resource).HasMaxLength(256);
            entry.Property(e => e.PatientId).HasMaxLength(64);
            entry.Property(e => e.RemoteAddress).HasMaxLength(64);
            entry.Property(e => e.Outcome).HasMaxLength(32);
            entry.Property(e => e.PreviousHash).HasMaxLength(64);
            entry.Property(e => e.Hash).HasMaxLength(64);
            entry.HasIndex(e => new { e.CommunityId, e.Sequence });
            entry.HasIndex(e => new { e.CommunityId, e.PatientId });
            entry.HasIndex(e => new { e.CommunityId, e.UserId });
        });

        modelBuilder.Entity<AuditHead>(head =>
        {
            // One row: the check keeps a second "head" from being added beside the real one.
            head.ToTable("audit_head", t => t.HasCheckConstraint("ck_audit_head_single_row", "\"Id\" = 1"));
            head.HasKey(h => h.Id);
            head.Property(h => h.Id).ValueGeneratedNever();
            head.Property(h => h.Hash).HasMaxLength(64);
        });

        modelBuilder.Entity<CaseRecord>(record =>
        {
            record.ToTable("case_records");
            record.HasKey(c => c.CaseId);
            record.Property(c => c.CaseId).ValueGeneratedNever();
            record.Property(c => c.CommunityId).HasMaxLength(64);
            record.Property(c => c.RoutedCommunityId).HasMaxLength(64);
            record.Property(c => c.RequestingInstitutionId).HasMaxLength(64);
            record.Property(c => c.RequestedBy).HasMaxLength(64);
            record.Property(c => c.Kind).HasMaxLength(32);
            record.Property(c => c.Priority).HasMaxLength(16);
            record.Property(c => c.Specialty).HasMaxLength(32);
            record.Property(c => c.Status).HasMaxLength(16);
            record.Property(c => c.PatientId).HasMaxLength(64);
            record.Property(c => c.AssignedReaderId).HasMaxLength(64);
            // Unix milliseconds, as in audit_entries: SQLite cannot compare or order DateTimeOffset text.
            record.Property(c => c.OpenedAt).HasConversion(UnixMilliseconds);
            record.Property(c => c.AssignedAt).HasConversion(UnixMilliseconds);
            record.Property(c => c.AcceptedAt).HasConversion(UnixMilliseconds);
            record.Property(c => c.SignedAt).HasConversion(UnixMilliseconds);
            record.Property(c => c.ClosedAt).HasConversion(UnixMilliseconds);
            record.Property(c => c.SlaDueAt).HasConversion(UnixMilliseconds);
            record.Property(c => c.UpdatedAt).HasConversion(UnixMilliseconds);
            record.Property(c => c.AcceptDueAt).HasConversion(UnixMilliseconds);
            // A community's cases by status (dashboards), a pool's, an institution's by date, a reader's worklist, a patient's.
            record.HasIndex(c => new { c.CommunityId, c.Status });
            record.HasIndex(c => new { c.RoutedCommunityId, c.Status });
            record.HasIndex(c => new { c.RequestingInstitutionId, c.OpenedAt });
            record.HasIndex(c => new { c.AssignedReaderId, c.Status });
            record.HasIndex(c => c.PatientId);
        });

        modelBuilder.Entity<Patient>(patient =>
        {
            patient.ToTable("patients");
            patient.HasKey(p => p.Id);
            patient.Property(p => p.Id).HasMaxLength(64);
            patient.Property(p => p.CommunityId).HasMaxLength(64);
            patient.Property(p => p.Name).HasMaxLength(PatientName.MaxLength);
            patient.Property(p => p.NameKey).HasMaxLength(PatientName.MaxLength);
            patient.Property(p => p.Sex).HasMaxLength(1);
            patient.Property(p => p.MergedIntoId).HasMaxLength(64);
            patient.Property(p => p.Version).IsConcurrencyToken();
            patient.HasMany(p => p.Identifiers).WithOne().HasForeignKey(i => i.PatientId).OnDelete(DeleteBehavior.Cascade);
            patient.HasIndex(p => new { p.CommunityId, p.NameKey });
        });

        modelBuilder.Entity<PatientIdentifier>(identifier =>
        {
            identifier.ToTable("patient_identifiers");
            // An institution's local id names one patient: the key refuses a second registration, across processes too.
            identifier.HasKey(i => new { i.InstitutionId, i.LocalId });
            identifier.Property(i => i.InstitutionId).HasMaxLength(64);
            identifier.Property(i => i.LocalId).HasMaxLength(64);
            identifier.Property(i => i.PatientId).HasMaxLength(64);
            identifier.HasIndex(i => i.PatientId);
        });

        modelBuilder.Entity<ReferralRecord>(referral =>
        {
            referral.ToTable("referral_records");
            referral.HasKey(r => r.Id);
            referral.Property(r => r.Id).ValueGeneratedNever();
            referral.Property(r => r.PatientId).HasMaxLength(64);
            referral.Property(r => r.Direction).HasMaxLength(16);
            referral.Property(r => r.Status).HasMaxLength(16);
            referral.Property(r => r.FromInstitutionId).HasMaxLength(64);
            referral.Property(r => r.FromCommunityId).HasMaxLength(64);
            referral.Property(r => r.ToInstitutionId).HasMaxLength(64);
            referral.Property(r => r.ToCommunityId).HasMaxLength(64);
            referral.Property(r => r.Reason).HasMaxLength(2000);
            referral.Property(r => r.RequestedBy).HasMaxLength(64);
            // Lists ask "from or to this institution" (staff, readers) or "from or to this community" (admins, auditors).
            referral.HasIndex(r => new { r.FromInstitutionId, r.Status });
            referral.HasIndex(r => new { r.ToInstitutionId, r.Status });
            referral.HasIndex(r => r.FromCommunityId);
            referral.HasIndex(r => r.ToCommunityId);
        });

        modelBuilder.Entity<ConsultMessageRecord>(message =>
        {
            message.ToTable("consult_messages");
            // The key is the session's order: a second writer of the same sequence (a duplicate grain activation)
            // fails here instead of forking the history.
            message.HasKey(m => new { m.CaseId, m.Sequence });
            message.Property(m => m.Sequence).ValueGeneratedNever();
            message.Property(m => m.SenderId).HasMaxLength(64);
            message.Property(m => m.SentAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
            message.Property(m => m.Text).HasMaxLength(4000);
        });

        modelBuilder.Entity<ConsultReceiptRecord>(receipt =>
        {
            receipt.ToTable("consult_receipts");
            receipt.HasKey(r => new { r.CaseId, r.UserId });
            receipt.Property(r => r.UserId).HasMaxLength(64);
            receipt.Property(r => r.UpdatedAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
        });
    }
}

public sealed class SqliteCatalogDbContext(DbContextOptions<SqliteCatalogDbContext> options) : CatalogDbContext(options)
{
    /// <summary>The database file, as <see cref="CatalogWriteGate"/> keys its writers.</summary>
    internal string DataSource => dataSource ??= new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource;

    internal string ConnectionString => connectionString ??= Database.GetConnectionString()!;

    private string? dataSource;
    private string? connectionString;
}

public sealed class PostgresCatalogDbContext(DbContextOptions<PostgresCatalogDbContext> options) : CatalogDbContext(options);
