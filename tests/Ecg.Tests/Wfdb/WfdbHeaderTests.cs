using Telemed.Ecg.Wfdb;
using Xunit;

namespace Telemed.Ecg.Tests.Wfdb;

public class WfdbHeaderTests
{
    private const string Source = "/data/rec.hea";

    [Fact]
    public void Full_signal_line_fields_parse()
    {
        var h = WfdbHeader.Parse(
            "# leading comment\nrec 2 500/1000(0) 5000 12:00:00 01/01/2020\n" +
            "rec.dat 16+24 400(-12)/uV 16 5 7 -3 0 Lead I, filtered\n" +
            "rec.dat 16+24\n# trailing\n",
            Source);

        Assert.Equal("rec", h.RecordName);
        Assert.Equal(500, h.SamplingFrequency);
        Assert.Equal(5000, h.SampleCount);
        Assert.Equal(["leading comment", "trailing"], h.Comments);
        var s0 = h.Signals[0];
        Assert.Equal(new WfdbSignalSpec("rec.dat", 16, 1, 0, 24, 400, -12, "uV", 16, 5, 7, -3, "Lead I, filtered") { Line = 3 }, s0);
        var s1 = h.Signals[1];
        Assert.Equal(WfdbHeader.DefaultGain, s1.Gain);
        Assert.Equal("mV", s1.Units);
        Assert.Equal(0, s1.Baseline);
        Assert.Null(s1.Checksum);
        Assert.Equal(string.Empty, s1.Description);
    }

    [Fact]
    public void Defaults_apply_when_fields_are_absent()
    {
        var h = WfdbHeader.Parse("r 1\nr.dat 212 0 12 1024\n", Source);
        Assert.Equal(WfdbHeader.DefaultFrequency, h.SamplingFrequency);
        Assert.Equal(0, h.SampleCount);
        Assert.Equal(WfdbHeader.DefaultGain, h.Signals[0].Gain); // gain 0 means "uncalibrated": WFDB uses 200
        Assert.Equal(1024, h.Signals[0].Baseline); // baseline defaults to the ADC zero
    }

    [Theory]
    [InlineData("rec 2 abc 650000\nrec.dat 212 200\nrec.dat 212 200\n", 1, "sampling frequency")]
    [InlineData("rec 2 0 650000\nrec.dat 212 200\nrec.dat 212 200\n", 1, "sampling frequency")]
    [InlineData("rec 2 -360 650000\nrec.dat 212 200\nrec.dat 212 200\n", 1, "sampling frequency")]
    [InlineData("rec x 360\n", 1, "signal count")]
    [InlineData("rec\n", 1, "record line")]
    [InlineData("# c\r\n\r\nrec 2 360 12.5\r\n", 3, "sample count")]
    [InlineData("rec 2 360 650000\nrec.dat 212 abc 11 1024\nrec.dat 212 200\n", 2, "gain")]
    [InlineData("rec 2 360 650000\nrec.dat 212 200\n# c\nrec.dat 212 -5 11 1024\n", 4, "gain")]
    [InlineData("rec 2 360 650000\r\nrec.dat 212 200\r\nrec.dat 212 200(1024/mV 11 1024\r\n", 3, "unclosed baseline")]
    [InlineData("rec 2 360 650000\nrec.dat 212 200(x)/mV 11 1024\nrec.dat 212 200\n", 2, "baseline")]
    [InlineData("rec 1 360 650000\nrec.dat\n", 2, "format")]
    [InlineData("rec 1 360 650000\nrec.dat abc\n", 2, "format")]
    [InlineData("rec 1 360 650000\nrec.dat 16x2\n", 2, "samples per frame")]
    [InlineData("rec 1 360 650000\nrec.dat 16 200 12 zero\n", 2, "ADC zero")]
    [InlineData("rec/2 2 360\n", 1, "multi-segment")]
    [InlineData("rec 1 360 650000\nrec.dat 16x4294967297\n", 2, "samples per frame")]
    [InlineData("rec 1 360 650000\nrec.dat 16 200(4294967296)/mV\n", 2, "baseline")]
    [InlineData("rec 1 360 650000\nrec.dat 4294967312\n", 2, "format")]
    [InlineData("rec 1 360 650000\nrec.dat 16 200 16 4294967296\n", 2, "ADC zero")]
    [InlineData("rec 1 360 650000\nrec.dat 16+-4\n", 2, "byte offset")]
    [InlineData("rec 1 360 650000\nrec.dat 16:2147483648\n", 2, "skew")]
    [InlineData("rec 1 360 650000\n/dev/zero 16\n", 2, "plain file name")]
    [InlineData("rec 1 360 650000\n/etc/passwd 80\n", 2, "plain file name")]
    [InlineData("rec 1 360 650000\n../../x 16\n", 2, "plain file name")]
    [InlineData("rec 1 360 650000\nsub/rec.dat 16\n", 2, "plain file name")]
    [InlineData("rec 1 360 650000\n..\\rec.dat 16\n", 2, "plain file name")]
    [InlineData("rec 1 360 650000\n.. 16\n", 2, "plain file name")]
    [InlineData("rec 2 250 10\n# c\ns.dat 16:1 200\ns.dat 16 200\n", 3, "skew")]
    [InlineData("rec 2 250 10\ns.dat 16 200\ns.dat 80 200\n", 3, "disagree")]
    [InlineData("rec 2 250 10\ns.dat 16+2 200\ns.dat 16 200\n", 3, "disagree")]
    [InlineData("rec 1 250 10\nf.dat 310 200 12 0\n", 2, "310")]
    public void Malformed_header_names_file_and_line(string text, int line, string problem)
    {
        var e = Assert.Throws<WfdbFormatException>(() => WfdbHeader.Parse(text, Source));
        Assert.StartsWith($"{Source}, line {line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rec 2 360 650000\nrec.dat 212 200 11 1024 995 -22131 0 MLII\n", 2)]
    [InlineData("rec 2 360 650000\r\nrec.dat 212 200 11 1024 995 -22131 0 MLII", 2)]
    [InlineData("rec 3 360 650000\nrec.dat 212 200\nrec.dat 212 200\n# notes\n", 4)]
    [InlineData("rec 1 360 650000\r\n", 1)]
    public void Missing_signal_lines_name_file_and_last_line(string text, int line)
    {
        var e = Assert.Throws<WfdbFormatException>(() => WfdbHeader.Parse(text, Source));
        Assert.Matches($@"^/data/rec\.hea, line {line}: header declares \d signals? but only \d signal lines follow", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n")]
    public void Empty_header_names_the_file(string text)
    {
        var e = Assert.Throws<WfdbFormatException>(() => WfdbHeader.Parse(text, Source));
        Assert.StartsWith(Source, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_names_the_file_it_was_given()
    {
        using var dir = new TempDirectory();
        string path = dir.File("x.hea");
        File.WriteAllText(path, "x 1 fast 100\nx.dat 16\n");
        var e = Assert.Throws<WfdbFormatException>(() => WfdbHeader.Read(path));
        Assert.StartsWith($"{path}, line 1: ", e.Message, StringComparison.Ordinal);
    }
}
