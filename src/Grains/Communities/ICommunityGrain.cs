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

    // Administration: every value an admin edits carries a revision, and a change names the revision it was made
    // against (null: whatever is current), refused with RevisionMismatchException when another change got in between.

    /// <summary>The settings with their revision.</summary>
    Task<Revised<CommunitySettings>> GetRevisedSettingsAsync();

    /// <summary>Replaces the settings after <see cref="CommunitySettings.Problems"/> finds nothing wrong; the new revision.</summary>
    Task<int> ReviseSettingsAsync(CommunitySettings settings, int? expectedRevision);

    Task<Revised<IReadOnlyList<DutyShift>>> GetRosterAsync();

    /// <summary>Replaces the roster; each shift's reader must be enrolled with the shift's specialty. The new revision.</summary>
    Task<int> ReviseRosterAsync(IReadOnlyList<DutyShift> roster, int? expectedRevision);

    /// <summary>The institution with its revision, or null when this community has none of that id.</summary>
    Task<Revised<Institution>?> GetInstitutionAsync(string institutionId);

    /// <summary>
    /// Adds a new institution under a parent of this community (<see cref="DefinitionConflictException"/> when the
    /// id is taken, here or in another community); its revision.
    /// </summary>
    Task<int> AddInstitutionAsync(Institution institution);

    /// <summary>Renames an institution of this community; the new revision.</summary>
    Task<int> RenameInstitutionAsync(string institutionId, string name, int? expectedRevision);

    /// <summary>Adds a department (<see cref="DefinitionConflictException"/> when the id is taken); its head, if named, must be an enrolled reader.</summary>
    Task AddDepartmentAsync(Department department);

    Task<IReadOnlyList<Department>> GetDepartmentsAsync();

    /// <summary>Every enrolled reader.</summary>
    Task<IReadOnlyList<ReaderEnrolment>> GetEnrolmentsAsync();
}
