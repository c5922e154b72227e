using Telemed.Grains.Cases;
using Telemed.Grains.Hosting;

namespace Telemed.Grains.Reports;

internal sealed class ReportGrain(
    [PersistentState("report", TelemedGrains.StorageName)] IPersistentState<ReportGrain.State> state,
    WorkflowClock time) : Grain, IReportGrain
{
    private Guid CaseId => this.GetPrimaryKey();

    private ICaseGrain Case => GrainFactory.GetGrain<ICaseGrain>(CaseId);

    public async Task<ReportContent> StartAsync(ReportTemplateKind template)
    {
        if (state.State.Draft is { } existing && existing.Template == template)
        {
            return existing;
        }

        CaseView view = await Case.GetAsync();
        ReportContent draft = ReportTemplates.Draft(template, view.Ecg);
        state.State.Draft = draft;
        state.State.Revision++;
        await state.WriteStateAsync();
        return draft;
    }

    public async Task SaveDraftAsync(string readerId, ReportContent content, int? expectedRevision = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        RequireRevision(expectedRevision);
        if (state.State.Versions.Count > 0)
        {
            throw new CaseTransitionException($"case {CaseId}: the report is signed; change it with an amendment");
        }

        RequireTemplateFields(content);
        await Case.MarkPreliminaryAsync(readerId);
        state.State.Draft = content;
        state.State.Revision++;
        await state.WriteStateAsync();
    }

    public async Task<ReportVersion> SignAsync(string readerId, int? expectedRevision = null)
    {
        RequireRevision(expectedRevision);
        ReportContent draft = state.State.Draft
            ?? throw new CaseTransitionException($"case {CaseId}: there is no draft to sign");
        if (state.State.Versions.Count > 0)
        {
            throw new CaseTransitionException($"case {CaseId}: the report is already signed; change it with an amendment");
        }

        RequireImpression(draft);
        var version = new ReportVersion(1, draft, readerId, time.Now, null);
        await Case.MarkSignedAsync(readerId, version.Number);
        state.State.Versions.Add(version);
        state.State.Draft = null;
        state.State.Revision++;
        await state.WriteStateAsync();
        return version;
    }

    public async Task<ReportVersion> AmendAsync(string readerId, ReportContent content, string reason, int? expectedRevision = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        RequireRevision(expectedRevision);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException($"case {CaseId}: an amendment needs a reason", nameof(reason));
        }

        if (state.State.Versions.Count == 0)
        {
            throw new CaseTransitionException($"case {CaseId}: nothing signed to amend");
        }

        RequireTemplateFields(content);
        RequireImpression(content);
        var version = new ReportVersion(state.State.Versions.Count + 1, content, readerId, time.Now, reason);
        await Case.MarkAmendedAsync(readerId, version.Number, reason);
        state.State.Versions.Add(version);
        state.State.Revision++;
        await state.WriteStateAsync();
        return version;
    }

    public Task<ReportView> GetAsync() => Task.FromResult(new ReportView(CaseId, state.State.Draft, [.. state.State.Versions], state.State.Revision));

    private void RequireRevision(int? expected)
    {
        if (expected is { } revision && revision != state.State.Revision)
        {
            throw new ReportChangedException(CaseId, revision, state.State.Revision);
        }
    }

    private void RequireTemplateFields(ReportContent content)
    {
        string[] unknown = [.. content.Fields.Select(f => f.Name).Except(ReportTemplates.FieldsOf(content.Template))];
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"case {CaseId}: {content.Template} has no field(s) {string.Join(", ", unknown)}");
        }
    }

    private void RequireImpression(ReportContent content)
    {
        if (string.IsNullOrWhiteSpace(content.Impression))
        {
            throw new ArgumentException($"case {CaseId}: a report is signed with an impression");
        }
    }

    internal sealed class State
    {
        public ReportContent? Draft { get; set; }

        public List<ReportVersion> Versions { get; set; } = [];

        public int Revision { get; set; }
    }
}
