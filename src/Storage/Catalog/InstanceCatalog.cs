using Microsoft.EntityFrameworkCore;

namespace Telemed.Storage.Catalog;

/// <summary>What recording an instance did to the catalog.</summary>
public enum InstanceOutcome
{
    /// <summary>First time this SOP Instance UID was seen.</summary>
    Added,

    /// <summary>The same bytes under the same SOP Instance UID were already stored: nothing new was written.</summary>
    Duplicate,

    /// <summary>The SOP Instance UID was known with other bytes: this is kept beside it as the next version.</summary>
    NewVersion,
}

/// <param name="Announcement">The outbox row committed with <paramref name="Instance"/>, when one was asked for and the bytes were new.</param>
public sealed record RecordedInstance(StoredInstance Instance, InstanceOutcome Outcome, PendingIngestEvent? Announcement = null);

/// <summary>
/// Records stored instances idempotently. The unique indexes on (SOP Instance UID, blob hash) and (SOP Instance UID,
/// version) settle races between concurrent associations: the loser re-reads and sees the winner's row.
/// </summary>
public sealed class InstanceCatalog(Func<CatalogDbContext> openContext)
{
    private const int Attempts = 5;

    public Task<RecordedInstance> RecordAsync(StoredInstance candidate, CancellationToken cancellationToken = default) =>
        RecordAsync(candidate, announce: null, cancellationToken);

    /// <summary>
    /// Records <paramref name="candidate"/>; when its bytes are new (added or a new version), the event
    /// <paramref name="announce"/> makes from the row is queued in the ingest outbox in the same transaction, so the
    /// instance is never durable without its announcement. A duplicate queues nothing.
    /// </summary>
    public async Task<RecordedInstance> RecordAsync(StoredInstance candidate, Func<StoredInstance, PendingIngestEvent>? announce,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        for (int attempt = 1; ; attempt++)
        {
            await using CatalogDbContext context = openContext();
            List<StoredInstance> versions = await context.Instances.AsNoTracking()
                .Where(i => i.SopInstanceUid == candidate.SopInstanceUid)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            StoredInstance? same = versions.Find(i => i.BlobHash == candidate.BlobHash);
            if (same is not null)
            {
                return new RecordedInstance(same, InstanceOutcome.Duplicate);
            }

            StoredInstance row = Copy(candidate);
            row.Id = 0;
            row.Version = versions.Count == 0 ? 1 : versions.Max(i => i.Version) + 1;
            context.Instances.Add(row);
            PendingIngestEvent? announcement = announce?.Invoke(row);
            if (announcement is not null)
            {
                context.IngestOutbox.Add(announcement);
            }

            try
            {
                using CatalogWriteLease turn = await CatalogWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
                // One SaveChanges is one transaction: the row and its outbox event commit together or not at all.
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return new RecordedInstance(row, versions.Count == 0 ? InstanceOutcome.Added : InstanceOutcome.NewVersion, announcement);
            }
            catch (DbUpdateException) when (attempt < Attempts)
            {
                // Another writer recorded this UID between our read and our insert; read again.
            }
        }
    }

    public async Task<IReadOnlyList<StoredInstance>> VersionsAsync(string sopInstanceUid, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext context = openContext();
        return await context.Instances.AsNoTracking()
            .Where(i => i.SopInstanceUid == sopInstanceUid)
            .OrderBy(i => i.Version)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private static StoredInstance Copy(StoredInstance s) => new()
    {
        SopInstanceUid = s.SopInstanceUid,
        SopClassUid = s.SopClassUid,
        StudyInstanceUid = s.StudyInstanceUid,
        SeriesInstanceUid = s.SeriesInstanceUid,
        TransferSyntaxUid = s.TransferSyntaxUid,
        PatientId = s.PatientId,
        PatientName = s.PatientName,
        Modality = s.Modality,
        AccessionNumber = s.AccessionNumber,
        StudyDate = s.StudyDate,
        BlobHash = s.BlobHash,
        Length = s.Length,
        ReceivedAtUtc = s.ReceivedAtUtc,
        SourceAeTitle = s.SourceAeTitle,
        SourceAddress = s.SourceAddress,
        DeviceId = s.DeviceId,
        InstitutionId = s.InstitutionId,
        PatientNameKey = s.PatientNameKey,
        PatientBirthDate = s.PatientBirthDate,
        PatientSex = s.PatientSex,
        StudyTime = s.StudyTime,
        StudyId = s.StudyId,
        StudyDescription = s.StudyDescription,
        ReferringPhysicianName = s.ReferringPhysicianName,
        SeriesNumber = s.SeriesNumber,
        SeriesDescription = s.SeriesDescription,
        InstanceNumber = s.InstanceNumber,
        Rows = s.Rows,
        Columns = s.Columns,
        BitsAllocated = s.BitsAllocated,
        NumberOfFrames = s.NumberOfFrames,
    };
}
