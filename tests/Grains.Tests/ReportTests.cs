using Telemed.Grains.Cases;
using Telemed.Grains.Reports;
using Xunit;

namespace Telemed.Grains.Tests;

public sealed class ReportTests : SiloTest
{
    private async Task<Guid> AcceptedEcgCase(EcgFindings? ecg)
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, "card-a");
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Stat, patientId: "patient-9", ecg: ecg, question: "Chest pain 2 h, ST elevation?");
        await County.AssignedAsync(Grains, caseId);
        await Grains.GetGrain<ICaseGrain>(caseId).AcceptAsync("card-a");
        return caseId;
    }

    [Fact]
    public async Task A_resting_ecg_draft_is_prefilled_from_the_ecg_analysis()
    {
        Guid caseId = await AcceptedEcgCase(new EcgFindings(["StElevation"], HeartRateBpm: 88, PrMs: 164, QrsMs: 96, QtMs: 380, QtcMs: 452, AxisDegrees: 30));

        ReportContent draft = await Grains.GetGrain<IReportGrain>(caseId).StartAsync(ReportTemplateKind.RestingEcg);

        Assert.Equal(ReportTemplates.FieldsOf(ReportTemplateKind.RestingEcg), draft.Fields.Select(f => f.Name));
        Assert.Equal("88", draft.Field(ReportTemplates.HeartRate));
        Assert.Equal("164", draft.Field(ReportTemplates.Pr));
        Assert.Equal("452", draft.Field(ReportTemplates.Qtc));
        Assert.Equal("30", draft.Field(ReportTemplates.Axis));
        Assert.Contains("STEMI", draft.Field(ReportTemplates.StSegment), StringComparison.Ordinal);
        Assert.Equal("StElevation", draft.Field(ReportTemplates.AutomaticFlags));
        Assert.Equal(string.Empty, draft.Impression);
        ReportContent xray = ReportTemplates.Draft(ReportTemplateKind.ChestXray, null);
        Assert.Contains(xray.Fields, f => f.Name == "Lungs" && f.Value.Length == 0);
    }

    [Fact]
    public async Task A_change_against_a_stale_revision_is_refused_and_changes_nothing()
    {
        Guid caseId = await AcceptedEcgCase(null);
        IReportGrain report = Grains.GetGrain<IReportGrain>(caseId);
        Assert.Equal(0, (await report.GetAsync()).Revision);
        ReportContent draft = ReportTemplates.Draft(ReportTemplateKind.RestingEcg, null) with { Findings = "first", Impression = "normal ECG" };
        await report.SaveDraftAsync("card-a", draft, expectedRevision: 0);
        Assert.Equal(1, (await report.GetAsync()).Revision);

        // Two writers read revision 1; the one that comes second loses instead of overwriting the first.
        await report.SaveDraftAsync("card-a", draft with { Findings = "second" }, expectedRevision: 1);
        await Assert.ThrowsAsync<ReportChangedException>(() => report.SaveDraftAsync("card-a", draft with { Findings = "lost" }, expectedRevision: 1));
        await Assert.ThrowsAsync<ReportChangedException>(() => report.SignAsync("card-a", expectedRevision: 1));
        ReportView kept = await report.GetAsync();
        Assert.Equal("second", kept.Draft?.Findings);
        Assert.Equal(2, kept.Revision);
        Assert.Empty(kept.Versions);

        await report.SignAsync("card-a", expectedRevision: 2);
        await Assert.ThrowsAsync<ReportChangedException>(() => report.AmendAsync("card-a", draft, "late", expectedRevision: 2));
        await report.AmendAsync("card-a", draft with { Impression = "borderline" }, "reviewed", expectedRevision: 3);
        Assert.Equal(4, (await report.GetAsync()).Revision);
        Assert.Equal(2, (await report.GetAsync()).Versions.Count);
    }

    [Fact]
    public async Task Signing_keeps_version_one_and_every_amendment_is_a_new_version_with_its_reason()
    {
        Guid caseId = await AcceptedEcgCase(new EcgFindings(["StElevation"], HeartRateBpm: 88));
        IReportGrain report = Grains.GetGrain<IReportGrain>(caseId);
        ReportContent draft = await report.StartAsync(ReportTemplateKind.RestingEcg);
        await Assert.ThrowsAsync<ArgumentException>(() => report.SignAsync("card-a")); // no impression yet
        ReportContent written = draft with { Findings = "ST elevation II, III, aVF 2-3 mm", Impression = "Acute inferior STEMI" };
        await report.SaveDraftAsync("card-a", written);
        Assert.Equal(CaseStatus.Preliminary, (await Grains.GetGrain<ICaseGrain>(caseId).GetAsync()).Status);

        await Assert.ThrowsAsync<CaseTransitionException>(() => report.SignAsync("card-b"));
        Time.Advance(TimeSpan.FromMinutes(4));
        ReportVersion signed = await report.SignAsync("card-a");
        Assert.Equal(1, signed.Number);
        Assert.Equal("card-a", signed.SignedBy);
        Assert.Equal(Time.GetUtcNow(), signed.SignedAt);
        Assert.Equal(CaseStatus.Signed, (await Grains.GetGrain<ICaseGrain>(caseId).GetAsync()).Status);
        Assert.Empty(await Grains.GetGrain<Readers.IReaderGrain>("card-a").GetWorklistAsync());
        await Assert.ThrowsAsync<CaseTransitionException>(() => report.SaveDraftAsync("card-a", written));

        await Assert.ThrowsAsync<ArgumentException>(() => report.AmendAsync("card-a", written, " "));
        Time.Advance(TimeSpan.FromHours(1));
        ReportContent corrected = written with { Impression = "Acute inferoposterior STEMI" };
        ReportVersion amended = await report.AmendAsync("card-a", corrected, "posterior leads reviewed");

        ReportView view = await report.GetAsync();
        Assert.Equal([1, 2], view.Versions.Select(v => v.Number));
        Assert.Equal("Acute inferior STEMI", view.Versions[0].Content.Impression);
        Assert.Null(view.Versions[0].AmendmentReason);
        Assert.Equal("Acute inferoposterior STEMI", view.Versions[1].Content.Impression);
        Assert.Equal("posterior leads reviewed", amended.AmendmentReason);
        Assert.Equal(Time.GetUtcNow(), amended.SignedAt);
        CaseView finalCase = await Grains.GetGrain<ICaseGrain>(caseId).GetAsync();
        Assert.Equal(CaseStatus.Amended, finalCase.Status);
        Assert.Equal(["opened", "assigned", "accepted", "preliminary report saved", "signed", "amended"], finalCase.History.Select(h => h.Action));
    }

    [Fact]
    public async Task Fields_outside_the_template_are_refused()
    {
        Guid caseId = await AcceptedEcgCase(null);
        IReportGrain report = Grains.GetGrain<IReportGrain>(caseId);
        ReportContent draft = await report.StartAsync(ReportTemplateKind.RestingEcg);

        await Assert.ThrowsAsync<ArgumentException>(() => report.SaveDraftAsync("card-a",
            draft with { Fields = [.. draft.Fields, new ReportField("Lungs", "clear")] }));
        Assert.Equal(CaseStatus.InProgress, (await Grains.GetGrain<ICaseGrain>(caseId).GetAsync()).Status);
    }
}
