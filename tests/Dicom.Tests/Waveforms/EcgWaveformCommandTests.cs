using System.Globalization;
using System.Text.Json;
using Telemed.Cli;
using Xunit;

namespace Telemed.Dicom.Tests.Waveforms;

public sealed class EcgWaveformCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string Sample(string name) => Path.Combine(TestData.RepositoryRoot, "samples", "dicom", name);

    [Fact]
    public void Text_report_of_the_STEMI_sample_names_the_inferior_leads()
    {
        var (code, output, error) = Run("dicom", "ecg", Sample("ecg-inferior-stemi-utf8.dcm"));
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.StartsWith("Record ecg-inferior-stemi-utf8: 12 leads (I, II, III, aVR, aVL, aVF, V1, V2, V3, V4, V5, V6), 500 Hz", output, StringComparison.Ordinal);
        Assert.Contains("[Stat] StElevation: ST elevation in II, III, aVF", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ecg-normal-sinus-gb18030.dcm", "Routine")]
    [InlineData("ecg-inferior-stemi-utf8.dcm", "Stat")]
    public void Json_report_gives_urgency_beats_and_measurements(string file, string urgency)
    {
        var (code, output, _) = Run("dicom", "ecg", Sample(file), "--json");
        Assert.Equal(0, code);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal(urgency, root.GetProperty("urgency").GetString());
        Assert.Equal(500, root.GetProperty("samplingRate").GetDouble());
        Assert.InRange(root.GetProperty("beats").GetProperty("count").GetInt32(), 11, 15);
        Assert.InRange(root.GetProperty("measurements").GetProperty("qrsMs").GetDouble(), 70, 110);
    }

    [Fact]
    public void An_image_is_refused_with_exit_code_1()
    {
        var (code, _, error) = Run("dicom", "ecg", TestData.PathOf("pydicom/test_files/CT_small.dcm"));
        Assert.Equal(1, code);
        Assert.Contains("Waveform Sequence is missing", error, StringComparison.Ordinal);
    }
}
