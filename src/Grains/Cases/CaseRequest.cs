using Telemed.Grains.Communities;

namespace Telemed.Grains.Cases;

/// <summary>What the township or village asks the county to read. <see cref="Specialty"/> defaults from the kind.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseRequest(
    string CommunityId,
    CaseKind Kind,
    CasePriority Priority,
    string ClinicalQuestion,
    string RequestingInstitutionId,
    string RequestedBy,
    string? PatientId = null,
    IReadOnlyList<string>? StudyUids = null,
    Specialty? Specialty = null,
    EcgFindings? Ecg = null,
    Guid? SecondOpinionOf = null);
