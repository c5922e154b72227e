using Telemed.Grains.Cases;
using Telemed.Grains.Referrals;
using Telemed.Grains.Reports;
using Xunit;

namespace Telemed.Grains.Tests;

public sealed class ReferralTests : SiloTest
{
    private async Task<Guid> SignedCase()
    {
        await County.DefineAsync(Grains);
        await County.OnDutyAsync(Grains, "card-a");
        Guid caseId = await County.OpenAsync(Grains, CasePriority.Urgent, patientId: "patient-5", question: "Palpitations, irregular pulse");
        await County.AssignedAsync(Grains, caseId);
        await Grains.GetGrain<ICaseGrain>(caseId).AcceptAsync("card-a");
        IReportGrain report = Grains.GetGrain<IReportGrain>(caseId);
        ReportContent draft = await report.StartAsync(ReportTemplateKind.RestingEcg);
        await report.SaveDraftAsync("card-a", draft with { Impression = "Atrial fibrillation with rapid ventricular response" });
        await report.SignAsync("card-a");
        return caseId;
    }

    [Fact]
    public async Task A_referral_up_carries_the_case_summary_and_goes_requested_accepted_completed()
    {
        Guid caseId = await SignedCase();
        IReferralGrain referral = Grains.GetGrain<IReferralGrain>(Guid.NewGuid());

        ReferralView created = await referral.CreateAsync(new ReferralRequest(caseId, County.Village, County.Hospital, "rate control and anticoagulation", "dr-village"));

        Assert.Equal(ReferralDirection.Up, created.Direction);
        Assert.Equal(ReferralStatus.Requested, created.Status);
        Assert.Equal("Palpitations, irregular pulse", created.Summary.ClinicalQuestion);
        Assert.Equal("patient-5", created.Summary.PatientId);
        Assert.Equal(CaseStatus.Signed, created.Summary.Status);
        Assert.Equal("Atrial fibrillation with rapid ventricular response", created.Summary.Impression);
        Assert.Equal("card-a", created.Summary.SignedBy);
        await Assert.ThrowsAsync<InvalidOperationException>(() => referral.CompleteAsync("ward", "too early"));
        Assert.Equal(ReferralStatus.Accepted, (await referral.AcceptAsync("county-er")).Status);
        ReferralView done = await referral.CompleteAsync("county-cardiology", "admitted, discharged day 3");
        Assert.Equal(ReferralStatus.Completed, done.Status);
        Assert.Equal("admitted, discharged day 3", done.Outcome);
        Assert.Equal(ReferralStatus.Completed, (await referral.GetAsync()).Status);
    }

    [Fact]
    public async Task A_referral_down_goes_back_to_the_township_and_lateral_ones_are_refused()
    {
        Guid caseId = await SignedCase();

        ReferralView down = await Grains.GetGrain<IReferralGrain>(Guid.NewGuid())
            .CreateAsync(new ReferralRequest(caseId, County.Hospital, County.TownshipA, "follow-up INR at the township", "card-a"));
        Assert.Equal(ReferralDirection.Down, down.Direction);
        Assert.Equal(ReferralStatus.Declined, (await Grains.GetGrain<IReferralGrain>(down.ReferralId).DeclineAsync("township-a", "no INR testing")).Status);

        await Assert.ThrowsAsync<ArgumentException>(() => Grains.GetGrain<IReferralGrain>(Guid.NewGuid())
            .CreateAsync(new ReferralRequest(caseId, County.TownshipA, County.TownshipB, "lateral", "staff-ta")));
        await Assert.ThrowsAsync<ArgumentException>(() => Grains.GetGrain<IReferralGrain>(Guid.NewGuid())
            .CreateAsync(new ReferralRequest(caseId, County.TownshipA, "unknown-hospital", "nowhere", "staff-ta")));
    }
}
