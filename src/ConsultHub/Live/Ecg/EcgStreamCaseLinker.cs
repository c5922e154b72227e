using Microsoft.EntityFrameworkCore;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Live.Ecg;

/// <summary>
/// Which case a device's live ECG belongs to: the latest case still open (not signed or cancelled) that the device's
/// own institution requested for the patient named in the stream's HELLO. That is the case the township opened for
/// the patient on the cart, and whose consult session the cardiologist is in. A stream without a patient id stays
/// unlinked (it is still recorded, and becomes a case of its own at BYE).
/// </summary>
public sealed class EcgStreamCaseLinker(Func<CatalogDbContext> openCatalog)
{
    public async Task<Guid?> FindCaseAsync(string institutionId, string patientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(patientId) || string.IsNullOrEmpty(institutionId))
        {
            return null;
        }

        await using CatalogDbContext catalog = openCatalog();
        List<Guid> latest = await catalog.CaseRecords.AsNoTracking()
            .Where(r => r.RequestingInstitutionId == institutionId && r.PatientId == patientId && r.ClosedAt == null)
            .OrderByDescending(r => r.OpenedAt)
            .Select(r => r.CaseId)
            .Take(1)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return latest.Count == 0 ? null : latest[0];
    }
}
