using Telemed.ConsultHub.Ingest;
using Telemed.DeviceGateway.Ingest;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Events;
using Telemed.Grains.Ingest;
using Xunit;

namespace Telemed.Grains.Tests;

public sealed class IngestTests : SiloTest
{
    private static IngestedObject Ecg(string study, params string[] flags) => new()
    {
        Kind = IngestedKind.DicomInstance,
        BlobHash = Guid.NewGuid().ToString("N"),
        ReceivedAtUtc = new DateTime(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc),
        PatientId = "patient-stemi",
        StudyInstanceUid = study,
        SeriesInstanceUid = study + ".1",
        SopInstanceUid = study + ".1." + Guid.NewGuid().ToString("N")[..6],
        Modality = "ECG",
        InstitutionId = County.TownshipA,
        DeviceId = "ecg-cart-ta",
        EcgFlags = flags,
    };

    [Fact]
    public async Task A_stemi_ecg_opens_a_stat_case_for_the_on_duty_cardiologist_at_once()
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, "card-b", County.Radiologist);
        var observer = new RecordingObserver();
        await Grains.GetGrain<ICommunityFeedGrain>(County.Id).SubscribeAsync(Cluster.Client.CreateObjectReference<ICommunityObserver>(observer));
        var sink = new GrainIngestSink(Grains);

        await sink.PublishAsync(Ecg("1.2.3.100", "StElevation", "Tachycardia"), CancellationToken.None);

        Guid caseId = (await Grains.GetGrain<IStudyGrain>("1.2.3.100").GetCaseAsync())!.Value;
        CaseView view = await County.AssignedAsync(Grains, caseId);
        Assert.Equal(CasePriority.Stat, view.Priority);
        Assert.Equal(CaseKind.EcgRead, view.Kind);
        Assert.Equal(Specialty.Cardiology, view.Specialty);
        Assert.Equal("card-b", view.AssignedReaderId);
        Assert.Equal(County.TownshipA, view.RequestingInstitutionId);
        Assert.Equal(["StElevation", "Tachycardia"], view.Ecg!.Flags);
        Assert.Equal(Time.GetUtcNow().AddMinutes(10), view.SlaDueAt);
        await Eventually.Until(() => Task.FromResult(observer.Alerts), a => a.Any(x => x.Kind == AlertKind.StatCase && x.CaseId == caseId && x.Recipients.Contains("card-b")), "the Stat alert");
        IReadOnlyList<CommunityEvent> events = await Eventually.Until(() => Task.FromResult(observer.Events),
            e => e.OfType<WorklistChanged>().Any(w => w.ReaderId == "card-b" && w.OpenCases == 1)
                && e.OfType<CaseChanged>().Any(c => c.CaseId == caseId && c.Status == CaseStatus.Assigned && c.AssignedReaderId == "card-b"),
            "the worklist and case change events");
        // The feed may coalesce New into Assigned when routing is immediate, so only the priority is checked here.
        Assert.All(events.OfType<CaseChanged>().Where(c => c.CaseId == caseId), c => Assert.Equal(CasePriority.Stat, c.Priority));
    }

    [Fact]
    public async Task Later_objects_of_a_study_join_its_case_and_an_urgent_flag_raises_it_to_stat()
    {
        await County.DefineAsync(Grains);
        IStudyGrain study = Grains.GetGrain<IStudyGrain>("1.2.3.200");
        IngestOutcome first = await study.IngestAsync(GrainIngestSink.ToItem(Ecg("1.2.3.200")));
        IngestOutcome second = await study.IngestAsync(GrainIngestSink.ToItem(Ecg("1.2.3.200", "Asystole")));

        Assert.True(first.OpenedCase);
        Assert.Equal(CasePriority.Routine, first.Priority);
        Assert.False(second.OpenedCase);
        Assert.Equal(first.CaseId, second.CaseId);
        Assert.Equal(CasePriority.Stat, second.Priority);
        CaseView view = await Grains.GetGrain<ICaseGrain>(first.CaseId).GetAsync();
        Assert.Equal(Time.GetUtcNow().AddMinutes(10), view.SlaDueAt);
        Assert.Contains(view.History, h => h.Action == "priority raised to Stat" && h.Detail == "ECG analysis: Asystole");
    }

    [Fact]
    public async Task Flags_map_to_priorities_through_the_ecg_urgency_of_each_flag()
    {
        static CasePriority Of(params string[] flags) =>
            StudyGrain.PriorityOf(new IngestedItem("h", DateTimeOffset.UnixEpoch, "i", IsEcg: true, EcgFlags: flags));

        Assert.Equal(CasePriority.Stat, Of("WideComplexTachycardia"));
        Assert.Equal(CasePriority.Stat, Of("Pause"));
        Assert.Equal(CasePriority.Urgent, Of("IrregularlyIrregular", "LeadOff"));
        Assert.Equal(CasePriority.Routine, Of("LeadOff", "AnalysisFailed"));
        Assert.Equal(CasePriority.Routine, Of());
        await Task.CompletedTask;
    }

    [Fact]
    public async Task An_x_ray_opens_a_routine_radiology_case_and_an_unknown_institution_is_refused()
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, "card-a", County.Radiologist);
        var sink = new GrainIngestSink(Grains);
        IngestedObject xray = Ecg("1.2.3.300") with { Modality = "DX", EcgFlags = [] };

        await sink.PublishAsync(xray, CancellationToken.None);
        CaseView view = await County.AssignedAsync(Grains, (await Grains.GetGrain<IStudyGrain>("1.2.3.300").GetCaseAsync())!.Value);

        Assert.Equal(CaseKind.ImagingRead, view.Kind);
        Assert.Equal(CasePriority.Routine, view.Priority);
        Assert.Equal(County.Radiologist, view.AssignedReaderId);
        await Assert.ThrowsAsync<ArgumentException>(async () => await sink.PublishAsync(Ecg("1.2.3.400") with { InstitutionId = "nowhere" }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(async () => await sink.PublishAsync(Ecg("1.2.3.500") with { InstitutionId = null }, CancellationToken.None));
    }

    [Fact]
    public async Task The_same_object_delivered_again_finds_its_case_and_repeats_nothing()
    {
        await County.DefineAsync(Grains);
        var sink = new GrainIngestSink(Grains);
        IngestedObject ecg = Ecg("1.2.3.600", "StElevation");
        IStudyGrain study = Grains.GetGrain<IStudyGrain>("1.2.3.600");

        IngestOutcome first = await study.IngestAsync(GrainIngestSink.ToItem(ecg));
        CaseView opened = await Grains.GetGrain<ICaseGrain>(first.CaseId).GetAsync();
        // The outbox redelivers after a lost answer or a crash, possibly while another attempt is still running.
        IngestOutcome again = await study.IngestAsync(GrainIngestSink.ToItem(ecg));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => sink.PublishAsync(ecg, CancellationToken.None).AsTask()));
        CaseView after = await Grains.GetGrain<ICaseGrain>(first.CaseId).GetAsync();

        Assert.True(first.OpenedCase);
        Assert.False(again.OpenedCase);
        Assert.Equal(first.CaseId, again.CaseId);
        Assert.Equal(CasePriority.Stat, again.Priority);
        Assert.Equal(first.CaseId, await study.GetCaseAsync());
        // Routing may add its own entries meanwhile; what ingest records (opening, raising) appears once.
        static bool FromIngest(CaseHistoryEntry h) => h.Action == "opened" || h.Action.StartsWith("priority raised", StringComparison.Ordinal);
        Assert.Equal(opened.History.Where(FromIngest), after.History.Where(FromIngest));
        Assert.Single(after.History, h => h.Action == "opened");
        Assert.Equal(CasePriority.Stat, after.Priority);
        Assert.Equal(opened.SlaDueAt, after.SlaDueAt);
    }
}
