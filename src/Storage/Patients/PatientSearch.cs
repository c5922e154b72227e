namespace Telemed.Storage.Patients;

/// <summary>
/// A search within one community. <see cref="VisibleAt"/> limits it to patients with a local id at that institution
/// (what staff may see); <see cref="InstitutionId"/> is the caller's own filter; <see cref="Name"/> matches anywhere in
/// the folded name.
/// </summary>
public sealed record PatientSearch(
    string CommunityId,
    string? VisibleAt = null,
    string? InstitutionId = null,
    string? Name = null,
    string? LocalId = null,
    int Limit = 50,
    int Offset = 0);
