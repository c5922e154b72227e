using Microsoft.EntityFrameworkCore;
using Telemed.Grains.Referrals;
using Telemed.Storage.Catalog;
using Telemed.Storage.Referrals;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// Keeps referral_records in step with the referral grains: the endpoints write the grain's view here after every
/// change they make (they are the only writers of referrals). An upsert of the whole view, so writing it twice or late
/// is harmless; the grain stays the authority, and GET /api/referrals/{id} reads the grain.
/// </summary>
internal sealed class ReferralProjection(Func<CatalogDbContext> openCatalog)
{
    public async Task SaveAsync(ReferralView view, ReferralEnds ends)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(ends);
        // Not the request's token: the grain changed, so its projection must follow even if the client went away.
        await using CatalogDbContext catalog = openCatalog();
        using (await CatalogWriteGate.EnterAsync(catalog))
        {
            ReferralRecord? record = await catalog.ReferralRecords.FirstOrDefaultAsync(r => r.Id == view.ReferralId);
            if (record is null)
            {
                record = new ReferralRecord
                {
                    Id = view.ReferralId,
                    Direction = view.Direction.ToString(),
                    Status = view.Status.ToString(),
                    FromInstitutionId = ends.FromInstitutionId,
                    FromCommunityId = ends.FromCommunityId,
                    ToInstitutionId = ends.ToInstitutionId,
                    ToCommunityId = ends.ToCommunityId,
                    Reason = view.Reason,
                    RequestedBy = view.RequestedBy,
                };
                catalog.ReferralRecords.Add(record);
            }

            record.CaseId = view.Summary.CaseId;
            record.PatientId = view.Summary.PatientId;
            record.Status = view.Status.ToString();
            record.RequestedAtUtc = view.RequestedAt.UtcDateTime;
            record.UpdatedAtUtc = (view.HandledAt ?? view.RequestedAt).UtcDateTime;
            await catalog.SaveChangesAsync();
        }
    }
}
