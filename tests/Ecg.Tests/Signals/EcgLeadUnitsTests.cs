using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.Ecg.Tests.Signals;

public class EcgLeadUnitsTests
{
    [Theory]
    [InlineData("mV", 200, 400, 2.0)]
    [InlineData("uV", 1, 1500, 1.5)]
    [InlineData("µV", 0.5, 1500, 3.0)]
    [InlineData("V", 100_000, 50, 0.5)] // 50 ADU at 100 000 ADU/V = 0.5 mV
    public void Samples_read_in_millivolts_whatever_voltage_unit_the_source_used(string units, double gain, int adu, double expectedMv)
    {
        var lead = new EcgLead(LeadId.II, "II", new[] { adu }, gain, 0, units);
        Assert.True(lead.IsVoltage);
        Assert.Equal(expectedMv, lead.ToMillivolts(adu), 9);
        Assert.Equal(expectedMv, lead[0], 9);
        Assert.Equal((float)expectedMv, lead.ToMillivolts()[0], 6);
    }

    [Fact]
    public void A_non_voltage_signal_refuses_to_be_read_as_millivolts()
    {
        var pressure = new EcgLead(LeadId.Unknown, "ABP", new[] { 120 }, 1, 0, "mmHg");
        Assert.False(pressure.IsVoltage);
        var e = Assert.Throws<InvalidOperationException>(() => pressure.ToMillivolts(120));
        Assert.Contains("mmHg", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limb_leads_derive_exactly_from_I_and_II_in_different_units()
    {
        // I stored in µV at 1 ADU/µV, II in mV at 200 ADU/mV: 0.5 mV and 1.0 mV.
        var i = new EcgLead(LeadId.I, "I", new[] { 500 }, 1, 0, "uV");
        var ii = new EcgLead(LeadId.II, "II", new[] { 200 }, 200, 0, "mV");
        var full = new EcgRecording(500, [i, ii]).WithDerivedLimbLeads();

        Assert.Equal(0.5, full.GetLead(LeadId.III)[0], 9); // II − I
        Assert.Equal(-0.75, full.GetLead(LeadId.aVR)[0], 9); // −(I + II)/2
        Assert.Equal(0.0, full.GetLead(LeadId.aVL)[0], 9); // I − II/2
        Assert.Equal(0.75, full.GetLead(LeadId.aVF)[0], 9); // II − I/2
    }

    [Fact]
    public void A_recording_does_not_change_when_the_callers_list_does()
    {
        var leads = new List<EcgLead> { new(LeadId.II, "II", new int[10], 200, 0) };
        var recording = new EcgRecording(500, leads);
        leads.Add(new EcgLead(LeadId.V1, "V1", new int[10], 200, 0));
        Assert.Single(recording.Leads);
    }
}
