using Microsoft.EntityFrameworkCore;
using Telemed.DeviceGateway.Devices;
using Telemed.Dicom.Network;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Commitment;

/// <summary>
/// Storage Commitment Push Model SCP (PS3.4 Annex J) over durable ingest: an instance is committed when the catalog
/// holds it for the requesting device's institution under the same SOP class and its bytes are in the blob store —
/// the same conditions under which C-STORE answered success, so a modality may then delete its copy. Failure
/// reasons (PS3.4 §J.3.3.1.1): 0112 no such object instance, 0119 class/instance conflict, 0110 processing failure
/// when the catalog row exists but its blob does not.
/// </summary>
public sealed class CatalogStorageCommitmentHandler(Func<CatalogDbContext> openContext, BlobStore blobs, DeviceRegistry devices) : IStorageCommitmentHandler
{
    /// <summary>PS3.4 §J.3.3.1.1 Failure Reason 0112: No such object instance.</summary>
    public const ushort NoSuchObjectInstance = 0x0112;

    /// <summary>PS3.4 §J.3.3.1.1 Failure Reason 0119: Class / Instance conflict.</summary>
    public const ushort ClassInstanceConflict = 0x0119;

    public async ValueTask<StorageCommitmentResult> CommitAsync(StorageCommitmentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Instances of other institutions are "no such object instance" to this device: existence is not disclosed.
        string? institution = devices.FindByAeTitle(request.CallingAeTitle)?.InstitutionId;
        string[] uids = [.. request.References.Select(r => r.SopInstanceUid).Distinct(StringComparer.Ordinal)];
        ILookup<string, StoredInstance> stored;
        await using (CatalogDbContext context = openContext())
        {
            List<StoredInstance> rows = institution is null
                ? []
                : await context.Instances.AsNoTracking()
                    .Where(i => uids.Contains(i.SopInstanceUid) && i.InstitutionId == institution)
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
            stored = rows.ToLookup(i => i.SopInstanceUid, StringComparer.Ordinal);
        }

        var committed = new List<SopReference>();
        var failed = new List<(SopReference, ushort)>();
        foreach (SopReference reference in request.References)
        {
            ushort? reason = FailureReason(reference, [.. stored[reference.SopInstanceUid]]);
            if (reason is { } failure)
            {
                failed.Add((reference, failure));
            }
            else
            {
                committed.Add(reference);
            }
        }

        return new StorageCommitmentResult(committed, failed);
    }

    private ushort? FailureReason(SopReference reference, StoredInstance[] versions)
    {
        if (versions.Length == 0)
        {
            return NoSuchObjectInstance;
        }

        StoredInstance[] sameClass = Array.FindAll(versions, v => v.SopClassUid == reference.SopClassUid);
        if (sameClass.Length == 0)
        {
            return ClassInstanceConflict;
        }

        // Any stored version will do: each is a complete copy the device sent and C-STORE acknowledged.
        return Array.Exists(sameClass, v => BlobHash.TryParse(v.BlobHash, out BlobHash hash) && blobs.Exists(hash))
            ? null
            : DicomStatus.ProcessingFailure;
    }
}
