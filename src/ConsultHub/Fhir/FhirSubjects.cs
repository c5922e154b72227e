using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;
using Telemed.Storage.Patients;
using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// The references the resources make to people and places: the patient (a community patient when the id is one or an
/// institution's local id names one; else a logical reference by that local id, FHIR references.html#logical), the
/// institutions and the readers (logical references with display names: this server serves no Organization or
/// Practitioner resources).
/// </summary>
internal sealed class FhirSubjects(PatientDirectory patients, IGrainFactory grains, UserDirectory users)
{
    public async Task<R4.ResourceReference> PatientAsync(string communityId, string institutionId, string? patientId, string? name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(patientId))
        {
            // Subject is 1..1 on ServiceRequest and ImagingStudy: say that nobody is identified rather than leave it out.
            return new R4.ResourceReference { Display = "patient not identified" };
        }

        if (PatientDirectory.IsCommunityPatientId(patientId))
        {
            return new R4.ResourceReference("Patient/" + patientId);
        }

        IReadOnlyList<Patient> found = await patients.SearchAsync(
            new PatientSearch(communityId, InstitutionId: institutionId, LocalId: patientId, Limit: 1), cancellationToken);
        return found.Count > 0
            ? new R4.ResourceReference("Patient/" + found[0].Id) { Identifier = new R4.Identifier(FhirSystems.LocalPatient(institutionId), patientId) }
            : new R4.ResourceReference { Type = "Patient", Identifier = new R4.Identifier(FhirSystems.LocalPatient(institutionId), patientId), Display = name };
    }

    public async Task<R4.ResourceReference> InstitutionAsync(string communityId, string institutionId)
    {
        Revised<Institution>? institution = await grains.GetGrain<ICommunityGrain>(communityId).GetInstitutionAsync(institutionId);
        return new R4.ResourceReference
        {
            Type = "Organization",
            Identifier = new R4.Identifier(FhirSystems.Institution, institutionId),
            Display = institution?.Value.Name ?? institutionId,
        };
    }

    public async Task<R4.ResourceReference> ReaderAsync(string userId, CancellationToken cancellationToken) => new()
    {
        Type = "Practitioner",
        Identifier = new R4.Identifier(FhirSystems.User, userId),
        Display = (await users.FindAsync(userId, cancellationToken))?.DisplayName ?? userId,
    };
}
