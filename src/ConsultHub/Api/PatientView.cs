using Telemed.ConsultHub.Auth;
using Telemed.Storage.Patients;

namespace Telemed.ConsultHub.Api;

/// <summary>A community patient as the API shows it; staff see only their own institution's local ids.</summary>
internal sealed record PatientView(
    string Id, string CommunityId, string Name, string? Sex, DateOnly? BirthDate, IReadOnlyList<PatientIdentifierView> Identifiers,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version, string? MergedInto)
{
    public static PatientView From(Patient patient, AccessScope scope) => new(
        patient.Id, patient.CommunityId, patient.Name, patient.Sex, patient.BirthDate,
        [.. patient.Identifiers
            .Where(i => !scope.IsStaff || i.InstitutionId == scope.Caller.InstitutionId)
            .Select(i => new PatientIdentifierView(i.InstitutionId, i.LocalId))],
        new DateTimeOffset(DateTime.SpecifyKind(patient.CreatedAtUtc, DateTimeKind.Utc)),
        new DateTimeOffset(DateTime.SpecifyKind(patient.UpdatedAtUtc, DateTimeKind.Utc)),
        patient.Version,
        patient.MergedIntoId);
}

internal sealed record PatientIdentifierView(string InstitutionId, string LocalId);
