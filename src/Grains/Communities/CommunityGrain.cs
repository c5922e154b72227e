using Telemed.Grains.Hosting;
using Telemed.Grains.Readers;

namespace Telemed.Grains.Communities;

internal sealed class CommunityGrain(
    [PersistentState("community", TelemedGrains.StorageName)] IPersistentState<CommunityGrain.State> state,
    WorkflowClock time,
    CommunitySettingsCache settingsCache) : Grain, ICommunityGrain
{
    private string CommunityId => this.GetPrimaryKeyString();

    public async Task DefineInstitutionAsync(Institution institution)
    {
        ArgumentNullException.ThrowIfNull(institution);
        if (institution.ParentId is { } parentId)
        {
            if (!state.State.Institutions.TryGetValue(parentId, out Institution? parent))
            {
                throw new ArgumentException($"community {CommunityId}: parent institution {parentId} of {institution.Id} is not defined");
            }

            if (institution.Level <= parent.Level)
            {
                throw new ArgumentException($"community {CommunityId}: {institution.Id} ({institution.Level}) cannot sit under {parent.Id} ({parent.Level})");
            }
        }

        // Registered first: an id another community holds is refused before this community records it.
        await GrainFactory.GetGrain<IInstitutionGrain>(institution.Id).RegisterAsync(new InstitutionRecord(CommunityId, institution));
        state.State.Institutions[institution.Id] = institution;
        state.State.InstitutionRevisions[institution.Id] = state.State.InstitutionRevisions.GetValueOrDefault(institution.Id) + 1;
        await state.WriteStateAsync();
    }

    public async Task DefineDepartmentAsync(Department department)
    {
        ArgumentNullException.ThrowIfNull(department);
        RequireInstitution(department.InstitutionId);
        state.State.Departments[department.Id] = department;
        await state.WriteStateAsync();
    }

    public async Task EnrolReaderAsync(ReaderEnrolment reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        RequireInstitution(reader.InstitutionId);
        state.State.Readers[reader.ReaderId] = reader;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IReaderGrain>(reader.ReaderId).EnrolAsync(CommunityId, reader);
    }

    public async Task SetRosterAsync(IReadOnlyList<DutyShift> roster)
    {
        ArgumentNullException.ThrowIfNull(roster);
        foreach (DutyShift shift in roster)
        {
            if (!state.State.Readers.ContainsKey(shift.ReaderId))
            {
                throw new ArgumentException($"community {CommunityId}: roster names {shift.ReaderId}, who is not an enrolled reader");
            }

            if (shift.To <= shift.From)
            {
                throw new ArgumentException($"community {CommunityId}: shift of {shift.ReaderId} ends before it starts");
            }
        }

        state.State.Roster = [.. roster];
        state.State.RosterRevision++;
        await state.WriteStateAsync();
    }

    public async Task ConfigureAsync(CommunitySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.StatSla <= TimeSpan.Zero || settings.UrgentSla <= TimeSpan.Zero || settings.RoutineSla <= TimeSpan.Zero
            || settings.AcceptTimeout <= TimeSpan.Zero || settings.MaxOpenCasesPerReader < 1)
        {
            throw new ArgumentException($"community {CommunityId}: SLAs and the accept timeout must be positive, the open-case limit at least 1");
        }

        state.State.Settings = settings;
        state.State.SettingsRevision++;
        await state.WriteStateAsync();
        settingsCache.Invalidate(CommunityId);
    }

    public Task<CommunitySettings> GetSettingsAsync() => Task.FromResult(state.State.Settings);

    public Task<IReadOnlyList<Institution>> GetInstitutionsAsync() =>
        Task.FromResult<IReadOnlyList<Institution>>([.. state.State.Institutions.Values.OrderBy(i => i.Level).ThenBy(i => i.Id, StringComparer.Ordinal)]);

    public Task<IReadOnlyList<string>> GetReadersAsync(Specialty specialty) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Readers.Values
            .Where(r => r.Specialties.Contains(specialty))
            .Select(r => r.ReaderId)
            .Order(StringComparer.Ordinal)]);

    public Task<EscalationContacts> GetEscalationContactsAsync(Specialty specialty, string? currentReaderId)
    {
        DateTimeOffset now = time.Now;
        string? backup = state.State.Roster
            .Where(s => s.Role == DutyRole.Backup && s.Specialty == specialty && s.Covers(now) && s.ReaderId != currentReaderId)
            .Select(s => s.ReaderId)
            .FirstOrDefault();
        // The head of the specialty's department at the highest-level institution is the one who answers for the SLA.
        string? head = state.State.Departments.Values
            .Where(d => d.Specialty == specialty && d.HeadReaderId is not null && state.State.Institutions.ContainsKey(d.InstitutionId))
            .OrderBy(d => state.State.Institutions[d.InstitutionId].Level)
            .Select(d => d.HeadReaderId)
            .FirstOrDefault();
        return Task.FromResult(new EscalationContacts(backup, head));
    }

    public Task<Revised<CommunitySettings>> GetRevisedSettingsAsync() =>
        Task.FromResult(new Revised<CommunitySettings>(state.State.Settings, state.State.SettingsRevision));

    public async Task<int> ReviseSettingsAsync(CommunitySettings settings, int? expectedRevision)
    {
        ArgumentNullException.ThrowIfNull(settings);
        RequireRevision("settings", state.State.SettingsRevision, expectedRevision);
        IReadOnlyList<string> problems = settings.Problems();
        if (settings.UpperLevelCommunityId == CommunityId)
        {
            problems = [.. problems, "the upper-level community cannot be the community itself"];
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"community {CommunityId}: {string.Join("; ", problems)}");
        }

        await ConfigureAsync(settings);
        return state.State.SettingsRevision;
    }

    public Task<Revised<IReadOnlyList<DutyShift>>> GetRosterAsync() =>
        Task.FromResult(new Revised<IReadOnlyList<DutyShift>>([.. state.State.Roster], state.State.RosterRevision));

    public async Task<int> ReviseRosterAsync(IReadOnlyList<DutyShift> roster, int? expectedRevision)
    {
        ArgumentNullException.ThrowIfNull(roster);
        RequireRevision("roster", state.State.RosterRevision, expectedRevision);
        foreach (DutyShift shift in roster)
        {
            if (!Enum.IsDefined(shift.Role) || !Enum.IsDefined(shift.Specialty))
            {
                throw new ArgumentException($"community {CommunityId}: shift of {shift.ReaderId} has an unknown role or specialty");
            }

            if (state.State.Readers.TryGetValue(shift.ReaderId, out ReaderEnrolment? reader) && !reader.Specialties.Contains(shift.Specialty))
            {
                throw new ArgumentException($"community {CommunityId}: {shift.ReaderId} does not read {shift.Specialty}");
            }
        }

        await SetRosterAsync(roster);
        return state.State.RosterRevision;
    }

    public Task<Revised<Institution>?> GetInstitutionAsync(string institutionId) =>
        Task.FromResult(state.State.Institutions.TryGetValue(institutionId, out Institution? institution)
            ? new Revised<Institution>(institution, state.State.InstitutionRevisions.GetValueOrDefault(institutionId))
            : null);

    public async Task<int> AddInstitutionAsync(Institution institution)
    {
        ArgumentNullException.ThrowIfNull(institution);
        if (institution.ParentId is null)
        {
            throw new ArgumentException($"community {CommunityId}: a new institution sits under a parent of the community");
        }

        if (state.State.Institutions.ContainsKey(institution.Id)
            || await GrainFactory.GetGrain<IInstitutionGrain>(institution.Id).GetAsync() is not null)
        {
            throw new DefinitionConflictException($"institution id {institution.Id} is taken");
        }

        await DefineInstitutionAsync(institution);
        return state.State.InstitutionRevisions[institution.Id];
    }

    public async Task<int> RenameInstitutionAsync(string institutionId, string name, int? expectedRevision)
    {
        if (!state.State.Institutions.TryGetValue(institutionId, out Institution? institution))
        {
            throw new KeyNotFoundException($"community {CommunityId} has no institution {institutionId}");
        }

        RequireRevision("institution " + institutionId, state.State.InstitutionRevisions.GetValueOrDefault(institutionId), expectedRevision);
        await DefineInstitutionAsync(institution with { Name = name });
        return state.State.InstitutionRevisions[institutionId];
    }

    public async Task AddDepartmentAsync(Department department)
    {
        ArgumentNullException.ThrowIfNull(department);
        if (state.State.Departments.ContainsKey(department.Id))
        {
            throw new DefinitionConflictException($"community {CommunityId}: department id {department.Id} is taken");
        }

        if (department.HeadReaderId is { } head && !state.State.Readers.ContainsKey(head))
        {
            throw new ArgumentException($"community {CommunityId}: the head {head} is not an enrolled reader");
        }

        await DefineDepartmentAsync(department);
    }

    public Task<IReadOnlyList<Department>> GetDepartmentsAsync() =>
        Task.FromResult<IReadOnlyList<Department>>([.. state.State.Departments.Values.OrderBy(d => d.InstitutionId, StringComparer.Ordinal).ThenBy(d => d.Id, StringComparer.Ordinal)]);

    public Task<IReadOnlyList<ReaderEnrolment>> GetEnrolmentsAsync() =>
        Task.FromResult<IReadOnlyList<ReaderEnrolment>>([.. state.State.Readers.Values.OrderBy(r => r.ReaderId, StringComparer.Ordinal)]);

    private void RequireRevision(string what, int current, int? expected)
    {
        if (expected is { } named && named != current)
        {
            throw new RevisionMismatchException($"community {CommunityId}: the {what} is at revision {current}, not {named}");
        }
    }

    private void RequireInstitution(string institutionId)
    {
        if (!state.State.Institutions.ContainsKey(institutionId))
        {
            throw new ArgumentException($"community {CommunityId}: institution {institutionId} is not defined");
        }
    }

    internal sealed class State
    {
        public Dictionary<string, Institution> Institutions { get; set; } = [];

        public Dictionary<string, Department> Departments { get; set; } = [];

        public Dictionary<string, ReaderEnrolment> Readers { get; set; } = [];

        public List<DutyShift> Roster { get; set; } = [];

        public CommunitySettings Settings { get; set; } = CommunitySettings.Default;

        /// <summary>Advanced by every change of the settings, the roster, an institution: what the API's ETags name.</summary>
        public int SettingsRevision { get; set; }

        public int RosterRevision { get; set; }

        public Dictionary<string, int> InstitutionRevisions { get; set; } = [];
    }
}
