using Telemed.ConsultHub.Auth;
using Telemed.Storage.Patients;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// Who sees and changes community patients. A community-wide id never leaves its community. Staff (village doctors,
/// township staff) see the patients their institution has a local id for, and register or link patients at their own
/// institution only; readers, admins and auditors see the community's patients (readers read their studies, admins
/// keep the index — register, edit, link — and auditors must tell who a logged patient id is); admins and staff edit.
/// </summary>
internal static class PatientAccess
{
    public static bool CanSee(AccessScope scope, Patient patient) =>
        patient.CommunityId == scope.Caller.CommunityId
        && (scope.IsStaff ? patient.Identifiers.Any(i => i.InstitutionId == scope.Caller.InstitutionId) : scope.IsReader || scope.IsAdmin || scope.IsAuditor);

    /// <summary>Registering, and linking a local id, happen at the caller's own institution.</summary>
    public static bool CanRegister(AccessScope scope) => scope.IsStaff || scope.IsAdmin;

    public static bool CanLink(AccessScope scope, Patient patient) => patient.CommunityId == scope.Caller.CommunityId && CanRegister(scope);

    public static bool CanEdit(AccessScope scope, Patient patient) =>
        patient.CommunityId == scope.Caller.CommunityId && (scope.IsAdmin || (scope.IsStaff && CanSee(scope, patient)));

    /// <summary>Merging duplicates keeps the community's index: its admins only.</summary>
    public static bool CanMerge(AccessScope scope, Patient patient) => scope.IsAdmin && patient.CommunityId == scope.Caller.CommunityId;

    public static string Resource(string patientId) => $"patient/{patientId}";
}
