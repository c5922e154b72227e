namespace Telemed.Grains.Communities;

/// <summary>
/// A county medical community (医共体), keyed by its id: the institutions tree (county hospital → township health
/// centres → village clinics), departments, readers with their specialties, the duty roster and the SLA settings.
/// </summary>
public interface ICommunityGrain : IGrainWithStringKey
{
    /// <summary>Adds or renames an institution; a child must sit one or more levels below its parent.</summary>
    Task DefineInstitutionAsync(Institution institution);

    Task DefineDepartmentAsync(Department department);

    /// <summary>Enrols a reader and sets up their reader grain.</summary>
    Task EnrolReaderAsync(ReaderEnrolment reader);

    /// <summary>Replaces the duty roster.</summary>
    Task SetRosterAsync(IReadOnlyList<DutyShift> roster);

    Task ConfigureAsync(CommunitySettings settings);

    Task<CommunitySettings> GetSettingsAsync();

    Task<IReadOnlyList<Institution>> GetInstitutionsAsync();

    /// <summary>Readers enrolled with the specialty, on duty or not.</summary>
    Task<IReadOnlyList<string>> GetReadersAsync(Specialty specialty);

    /// <summary>The backup on the roster now (else none) and the head of the specialty's department.</summary>
    Task<EscalationContacts> GetEscalationContactsAsync(Specialty specialty, string? currentReaderId);
}
