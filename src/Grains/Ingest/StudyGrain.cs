using Telemed.Ecg.Rhythm;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Hosting;

namespace Telemed.Grains.Ingest;

internal sealed class StudyGrain(
    [PersistentState("study", TelemedGrains.StorageName)] IPersistentState<StudyGrain.State> state,
    InstitutionCommunities institutions) : Grain, IStudyGrain
{
    public async Task<IngestOutcome> IngestAsync(IngestedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        string objectKey = item.SopInstanceUid is { } sop ? $"{sop}:{item.BlobHash}" : item.BlobHash;
        CasePriority priority = PriorityOf(item);
        // Delivery is at least once (the gateway's outbox retries until it hears back), so the same object may come
        // again: it is recognised by SOP Instance UID and blob hash and changes nothing.
        bool known = state.State.Objects.Contains(objectKey);
        if (!known)
        {
            state.State.Objects.Add(objectKey);
        }

        if (state.State.CaseId is { } existing && state.State.CaseOpened)
        {
            if (!known)
            {
                await state.WriteStateAsync();
            }

            // Raising is itself idempotent (never lowers, records nothing when unchanged); asking again for a known
            // object completes a raise that a crash cut off after the write above.
            ICaseGrain joined = GrainFactory.GetGrain<ICaseGrain>(existing);
            await joined.RaisePriorityAsync(priority, item.DeviceId ?? "ingest", $"ECG analysis: {string.Join(", ", item.EcgFlags ?? [])}");
            return new IngestOutcome(existing, false, (await joined.GetAsync()).Priority);
        }

        string communityId = await institutions.CommunityOfAsync(GrainFactory, item.InstitutionId)
            ?? throw new ArgumentException($"study {item.StudyKey}: institution {item.InstitutionId} is not defined in any community");
        // The case id follows from the study key, so a retry after a crash opens that same case, never a second one,
        // without a state write before the case opens (one fsynced write per ingest saved; bench/RESULTS.md, case load).
        // A case id stored by an earlier version of this grain is kept.
        Guid caseId = state.State.CaseId ?? CaseIdOf(this.GetPrimaryKeyString());

        IReadOnlyList<string> flags = item.EcgFlags ?? [];
        CaseKind kind = IsEcg(item) ? CaseKind.EcgRead : CaseKind.ImagingRead;
        string question = kind == CaseKind.EcgRead
            ? flags.Count > 0 ? $"ECG for reading; automatic analysis: {string.Join(", ", flags)}" : "ECG for reading"
            : $"{item.Modality ?? "Imaging"} study for reading";
        try
        {
            await GrainFactory.GetGrain<ICaseGrain>(caseId).OpenAsync(new CaseRequest(
                communityId, kind, priority, question, item.InstitutionId, item.DeviceId ?? "ingest", item.PatientId,
                [item.StudyKey], SpecialtyOf(item), kind == CaseKind.EcgRead ? new EcgFindings(flags) : null));
        }
        catch (CaseTransitionException)
        {
            // Opened before the crash that cost us the CaseOpened write.
        }

        state.State.CaseId = caseId;
        state.State.CaseOpened = true;
        await state.WriteStateAsync();
        return new IngestOutcome(caseId, true, priority);
    }

    public Task<Guid?> GetCaseAsync() => Task.FromResult(state.State.CaseId);

    /// <summary>A name-based id (RFC 9562 §5.8 layout, SHA-256 of the study key): the same study always names the same case.</summary>
    internal static Guid CaseIdOf(string studyKey)
    {
        byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("telemed/study-case/" + studyKey));
        Span<byte> bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The most urgent of the ECG's flags decides; images and unflagged ECGs are Routine until a person says otherwise.</summary>
    internal static CasePriority PriorityOf(IngestedItem item)
    {
        CasePriority priority = CasePriority.Routine;
        foreach (string flag in item.EcgFlags ?? [])
        {
            if (!Enum.TryParse(flag, out EcgFlagKind kind))
            {
                continue; // e.g. "AnalysisFailed": a reader will see it in the question, no urgency from it.
            }

            CasePriority fromFlag = RhythmFlagger.UrgencyOf(kind) switch
            {
                EcgUrgency.Stat => CasePriority.Stat,
                EcgUrgency.Urgent => CasePriority.Urgent,
                _ => CasePriority.Routine,
            };
            priority = fromFlag < priority ? fromFlag : priority;
        }

        return priority;
    }

    private static bool IsEcg(IngestedItem item) => item.IsEcg || item.Modality == "ECG";

    private static Specialty SpecialtyOf(IngestedItem item) =>
        IsEcg(item) ? Specialty.Cardiology : item.Modality == "US" ? Specialty.Ultrasound : Specialty.Radiology;

    internal sealed class State
    {
        public Guid? CaseId { get; set; }

        public bool CaseOpened { get; set; }

        public List<string> Objects { get; set; } = [];
    }
}
