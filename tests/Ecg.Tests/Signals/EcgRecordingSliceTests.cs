using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.Ecg.Tests.Signals;

public class EcgRecordingSliceTests
{
    private static (EcgRecording Recording, int[] I, int[] II) Make(int n = 1000)
    {
        var a = Enumerable.Range(0, n).ToArray();
        var b = Enumerable.Range(0, n).Select(x => -x).ToArray();
        var rec = new EcgRecording(250, [new EcgLead(LeadId.I, "I", a, 200, 0), new EcgLead(LeadId.II, "II", b, 100, 5)], "r");
        return (rec, a, b);
    }

    [Fact]
    public void Slice_is_a_view_on_the_same_buffers()
    {
        var (rec, a, b) = Make();

        var window = rec.Slice(100, 250);

        Assert.Equal(250, window.Length);
        Assert.Equal(100, window.Leads[0].Samples.Span[0]);
        Assert.True(MemoryMarshal.TryGetArray(window.Leads[0].Samples, out var segment));
        Assert.Same(a, segment.Array);
        Assert.Equal(100, segment.Offset);
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(window.Leads[1].Samples.Span), ref b[100]));

        // A change to the buffer shows through the view: nothing was copied.
        a[150] = 12345;
        Assert.Equal(12345, window.Leads[0].Samples.Span[50]);

        // Gain, baseline, labels and rate are kept.
        Assert.Equal(100, window.Leads[1].Gain);
        Assert.Equal(5, window.Leads[1].Baseline);
        Assert.Equal("II", window.Leads[1].Label);
        Assert.Equal(250, window.SamplingRate);
        Assert.Equal("r", window.Name);
        Assert.Equal((-150 - 5) / 100.0, window.Leads[1][50]);
    }

    [Fact]
    public void Slice_of_a_slice_and_time_slices_address_the_original()
    {
        var (rec, a, _) = Make();
        var inner = rec.Slice(100, 500).Slice(10, 20);
        Assert.True(MemoryMarshal.TryGetArray(inner.Leads[0].Samples, out var segment));
        Assert.Same(a, segment.Array);
        Assert.Equal(110, segment.Offset);
        Assert.Equal(20, segment.Count);

        var timed = rec.Slice(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.Equal(500, timed.Length);
        Assert.Equal(250, timed.Leads[0].Samples.Span[0]);
        Assert.Equal(TimeSpan.FromSeconds(2), timed.Duration);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, -1)]
    [InlineData(0, 1001)]
    [InlineData(995, 6)]
    [InlineData(1001, 0)]
    [InlineData(int.MaxValue, 10)]
    public void Slice_out_of_bounds_throws(int start, int length)
    {
        var (rec, _, _) = Make();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => rec.Slice(start, length));
        Assert.True(e.ParamName is "start" or "length", e.ParamName);
        if (start >= 0 && length >= 0)
        {
            Assert.Contains("beyond the 1000 samples", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1000, 0)]
    [InlineData(999, 1)]
    public void Slice_at_the_bounds_is_allowed(int start, int length)
    {
        var (rec, _, _) = Make();
        Assert.Equal(length, rec.Slice(start, length).Length);
    }

    [Fact]
    public void Lead_slice_bounds_and_millivolt_copies()
    {
        var (rec, _, _) = Make();
        var lead = rec.Leads[1];
        Assert.Throws<ArgumentOutOfRangeException>(() => lead.Slice(990, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => lead.Slice(-1, 1));

        var mv = new float[4];
        lead.CopyMillivolts(10, mv);
        double[] expected = [-0.15, -0.16, -0.17, -0.18]; // (-(10..13) - 5) / 100
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(expected[k], mv[k], 6);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => lead.CopyMillivolts(998, mv));
    }

    [Fact]
    public void Leads_of_different_length_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new EcgRecording(250, [new EcgLead(LeadId.I, "I", new int[3], 200, 0), new EcgLead(LeadId.II, "II", new int[4], 200, 0)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EcgLead(LeadId.I, "I", new int[3], 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EcgRecording(0, [new EcgLead(LeadId.I, "I", new int[3], 200, 0)]));
    }
}
