using Microsoft.EntityFrameworkCore;

namespace Telemed.Storage.Catalog;

/// <summary>
/// The catalog: every durable domain fact the hub keeps besides blobs. One model, two providers; each provider has
/// its own migrations (<see cref="SqliteCatalogDbContext"/>, <see cref="PostgresCatalogDbContext"/>) because their SQL
/// differs.
/// </summary>
public abstract class CatalogDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<StoredInstance> Instances => Set<StoredInstance>();

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
            instance.HasIndex(i => i.StudyInstanceUid);
            instance.HasIndex(i => i.PatientId);
        });
    }
}

public sealed class SqliteCatalogDbContext(DbContextOptions<SqliteCatalogDbContext> options) : CatalogDbContext(options);

public sealed class PostgresCatalogDbContext(DbContextOptions<PostgresCatalogDbContext> options) : CatalogDbContext(options);
