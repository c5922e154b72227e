using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.Ecg.Tests.Signals;

public class LimbLeadDerivationTests
{
    private static int[] Random(int seed, int n, int min, int max)
    {
        var rng = new Random(seed);
        var v = new int[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = rng.Next(min, max);
        }

        return v;
    }

    private static EcgRecording EightLead(EcgLead leadI, EcgLead leadII)
    {
        var leads = new List<EcgLead> { new(LeadId.V1, "V1", Random(9, leadI.Length, -500, 500), 200, 0) };
        leads.Add(leadII); // deliberately out of order: the result must be in standard order
        leads.Add(leadI);
        return new EcgRecording(500, leads, "cart");
    }

    // Expected values in millivolts (as exact rationals: compare doubles computed from the same integer inputs).
    private static void AssertDerived(EcgRecording full, EcgLead leadI, EcgLead leadII)
    {
        var iii = full.GetLead(LeadId.III);
        var avr = full.GetLead(LeadId.aVR);
        var avl = full.GetLead(LeadId.aVL);
        var avf = full.GetLead(LeadId.aVF);
        for (int t = 0; t < full.Length; t++)
        {
            decimal i = ((decimal)leadI.Samples.Span[t] - leadI.Baseline) / (decimal)leadI.Gain;
            decimal ii = ((decimal)leadII.Samples.Span[t] - leadII.Baseline) / (decimal)leadII.Gain;
            AssertExact(ii - i, iii, t);
            AssertExact(-(i + ii) / 2, avr, t);
            AssertExact(i - (ii / 2), avl, t);
            AssertExact(ii - (i / 2), avf, t);
        }
    }

    // Exact: the derived lead's integer sample over its gain equals the rational value, not merely a close float.
    private static void AssertExact(decimal expectedMv, EcgLead lead, int t)
    {
        decimal actual = ((decimal)lead.Samples.Span[t] - lead.Baseline) / (decimal)lead.Gain;
        Assert.True(expectedMv == actual, $"{lead.Label}[{t}]: {actual} mV, expected {expectedMv} mV");
    }

    [Fact]
    public void Derives_III_aVR_aVL_aVF_exactly_from_I_and_II()
    {
        var leadI = new EcgLead(LeadId.I, "I", Random(1, 1000, -2048, 2048), 200, 0);
        var leadII = new EcgLead(LeadId.II, "II", Random(2, 1000, -2048, 2048), 200, 0);

        var full = EightLead(leadI, leadII).WithDerivedLimbLeads();

        Assert.Equal([LeadId.I, LeadId.II, LeadId.III, LeadId.aVR, LeadId.aVL, LeadId.aVF, LeadId.V1], full.Leads.Select(l => l.Id));
        AssertDerived(full, leadI, leadII);
        Assert.Equal("cart", full.Name);
        Assert.Equal(500, full.SamplingRate);
    }

    [Fact]
    public void Baselines_are_removed()
    {
        var leadI = new EcgLead(LeadId.I, "I", Random(3, 500, 0, 4096), 200, 2048);
        var leadII = new EcgLead(LeadId.II, "II", Random(4, 500, 0, 4096), 200, 1024);

        AssertDerived(EightLead(leadI, leadII).WithDerivedLimbLeads(), leadI, leadII);
    }

    [Theory]
    [InlineData(200.0, 400.0)]
    [InlineData(200.0, 1000.0)]
    [InlineData(400.0, 1000.0)]
    [InlineData(1000.0, 1600.0)]
    [InlineData(400.0, 200.0)]
    public void Derives_exactly_when_the_gains_differ(double gainI, double gainII)
    {
        var leadI = new EcgLead(LeadId.I, "I", Random(5, 2000, -2048, 2048), gainI, 3);
        var leadII = new EcgLead(LeadId.II, "II", Random(6, 2000, -2048, 2048), gainII, -7);

        AssertDerived(EightLead(leadI, leadII).WithDerivedLimbLeads(), leadI, leadII);
    }

    [Fact]
    public void Gains_without_a_common_decimal_scale_fall_back_to_microvolts()
    {
        var leadI = new EcgLead(LeadId.I, "I", Random(7, 500, -2048, 2048), 200, 0);
        var leadII = new EcgLead(LeadId.II, "II", Random(8, 500, -2048, 2048), 1000.0 / 3, 0);

        var full = EightLead(leadI, leadII).WithDerivedLimbLeads();

        var iii = full.GetLead(LeadId.III);
        for (int t = 0; t < full.Length; t++)
        {
            double expected = leadII[t] - leadI[t];
            Assert.True(Math.Abs(iii[t] - expected) <= 0.001, $"III[{t}] = {iii[t]}, expected {expected}");
        }
    }

    [Fact]
    public void Existing_leads_are_shared_not_copied()
    {
        var leadI = new EcgLead(LeadId.I, "I", Random(1, 100, -100, 100), 200, 0);
        var leadII = new EcgLead(LeadId.II, "II", Random(2, 100, -100, 100), 200, 0);
        var rec = EightLead(leadI, leadII);

        var full = rec.WithDerivedLimbLeads();

        Assert.Same(leadI, full.GetLead(LeadId.I));
        Assert.Same(leadII, full.GetLead(LeadId.II));
        Assert.Same(rec.GetLead(LeadId.V1), full.GetLead(LeadId.V1));
    }

    [Fact]
    public void Only_missing_leads_are_added_and_nothing_happens_without_I_and_II()
    {
        var leadI = new EcgLead(LeadId.I, "I", new[] { 1, 2 }, 200, 0);
        var leadII = new EcgLead(LeadId.II, "II", new[] { 3, 4 }, 200, 0);
        var recordedIII = new EcgLead(LeadId.III, "III", new[] { 9, 9 }, 200, 0);
        var rec = new EcgRecording(250, [leadI, leadII, recordedIII]);

        var full = rec.WithDerivedLimbLeads();
        Assert.Same(recordedIII, full.GetLead(LeadId.III));
        Assert.Equal(6, full.Leads.Count);

        var complete = full.WithDerivedLimbLeads();
        Assert.Same(full, complete);

        var onlyII = new EcgRecording(250, [leadII]);
        Assert.Same(onlyII, onlyII.WithDerivedLimbLeads());
    }
}
