using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;

namespace Telemed.ConsultHub.DicomWeb;

/// <summary>
/// Which institutions' instances a DICOMweb caller reads, by the rules of /api/studies (<see cref="AccessScope"/>):
/// staff their own institution, readers every institution of their community; admins and auditors read no patient
/// data (null). Searches are narrowed to these institutions in SQL; a retrieve of an instance outside them is refused.
/// </summary>
internal static class DicomWebScope
{
    public static async Task<IReadOnlyList<string>?> ReadableInstitutionsAsync(AccessScope scope, IGrainFactory grains)
    {
        if (scope.IsStaff)
        {
            return await scope.CanReadPatientDataOfAsync(scope.Caller.InstitutionId) ? [scope.Caller.InstitutionId] : [];
        }

        if (scope.IsReader)
        {
            return [.. (await grains.GetGrain<ICommunityGrain>(scope.Caller.CommunityId).GetInstitutionsAsync()).Select(i => i.Id)];
        }

        return null;
    }

    /// <summary>
    /// STOW-RS is for the people who send studies: village doctors and township staff, storing for their own
    /// institution (which becomes the sender of record, as a device's institution is for C-STORE). Readers, admins and
    /// auditors do not upload patient data.
    /// </summary>
    public static async Task<bool> CanStoreAsync(AccessScope scope) =>
        scope.IsStaff && await scope.CanReadPatientDataOfAsync(scope.Caller.InstitutionId);
}
