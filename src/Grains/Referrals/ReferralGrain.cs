using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Grains.Hosting;
using Telemed.Grains.Reports;

namespace Telemed.Grains.Referrals;

internal sealed class ReferralGrain(
    [PersistentState("referral", TelemedGrains.StorageName)] IPersistentState<ReferralGrain.State> state,
    WorkflowClock time) : Grain, IReferralGrain
{
    private Guid ReferralId => this.GetPrimaryKey();

    public async Task<ReferralView> CreateAsync(ReferralRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (state.State.View is not null)
        {
            throw new InvalidOperationException($"referral {ReferralId} exists");
        }

        InstitutionRecord from = await Institution(request.FromInstitutionId);
        InstitutionRecord to = await Institution(request.ToInstitutionId);
        ReferralDirection direction = to.Institution.Level < from.Institution.Level ? ReferralDirection.Up
            : to.Institution.Level > from.Institution.Level ? ReferralDirection.Down
            : throw new ArgumentException($"referral {ReferralId}: {from.Institution.Id} and {to.Institution.Id} are both {from.Institution.Level} institutions; a referral goes up or down");

        CaseView view = await GrainFactory.GetGrain<ICaseGrain>(request.CaseId).GetAsync();
        ReportView report = await GrainFactory.GetGrain<IReportGrain>(request.CaseId).GetAsync();
        ReportVersion? latest = report.Versions.Count > 0 ? report.Versions[^1] : null;
        var summary = new CaseSummary(view.CaseId, view.Kind, view.Priority, view.Status, view.ClinicalQuestion, view.PatientId,
            view.Studies, latest?.Content.Impression, latest?.SignedBy, latest?.SignedAt);
        state.State.View = new ReferralView(ReferralId, direction, ReferralStatus.Requested, request.FromInstitutionId,
            request.ToInstitutionId, request.Reason, request.RequestedBy, time.Now, summary, null, null, null);
        await state.WriteStateAsync();
        return state.State.View;
    }

    public Task<ReferralView> AcceptAsync(string actor) => Move(ReferralStatus.Requested, ReferralStatus.Accepted, actor, null);

    public Task<ReferralView> DeclineAsync(string actor, string reason) => Move(ReferralStatus.Requested, ReferralStatus.Declined, actor, reason);

    public Task<ReferralView> CompleteAsync(string actor, string outcome) => Move(ReferralStatus.Accepted, ReferralStatus.Completed, actor, outcome);

    public Task<ReferralView> GetAsync() =>
        Task.FromResult(state.State.View ?? throw new KeyNotFoundException($"referral {ReferralId} does not exist"));

    private async Task<ReferralView> Move(ReferralStatus from, ReferralStatus to, string actor, string? outcome)
    {
        ReferralView view = state.State.View ?? throw new KeyNotFoundException($"referral {ReferralId} does not exist");
        if (view.Status != from)
        {
            throw new InvalidOperationException($"referral {ReferralId}: cannot go to {to} while {view.Status}");
        }

        state.State.View = view with { Status = to, HandledBy = actor, HandledAt = time.Now, Outcome = outcome ?? view.Outcome };
        await state.WriteStateAsync();
        return state.State.View;
    }

    private async Task<InstitutionRecord> Institution(string id) =>
        await GrainFactory.GetGrain<IInstitutionGrain>(id).GetAsync()
            ?? throw new ArgumentException($"referral {ReferralId}: institution {id} is not defined in any community");

    internal sealed class State
    {
        public ReferralView? View { get; set; }
    }
}
