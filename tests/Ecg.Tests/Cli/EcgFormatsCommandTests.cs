using System.Globalization;
using System.Text.Json;
using Telemed.Cli;
using Xunit;

namespace Telemed.Ecg.Tests.Cli;

/// <summary><c>telemed ecg analyze</c> on the formats carts export.</summary>
public class EcgFormatsCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("scp-ecg/farhad-abtahi__SCP-Tools__ECG_20070321_110542_191010101010.SCP", 600)]
    [InlineData("hl7-aecg/CardioVascular-Research-Group__hl7aECG__hl7aecg-Example2.xml", 1000)]
    [InlineData("philips-xml/sixlettervariables__sierra-ecg-tools__ad4d3d80-d165_1-04_orig.xml", 500)]
    public void Analyze_reads_scp_aecg_and_philips_files(string file, double rate)
    {
        var (code, output, _) = Run("ecg", "analyze", TestData.FormatsFile(file), "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(rate, json.RootElement.GetProperty("samplingRate").GetDouble());
        Assert.InRange(json.RootElement.GetProperty("measurements").GetProperty("heartRateBpm").GetDouble(), 40, 150);
    }

    [Fact]
    public void Analyze_reads_a_dicom_ecg_and_names_it()
    {
        var (code, output, _) = Run("ecg", "analyze", TestData.DicomFile("ecg/ECGToolkit/Example.dcm"));

        Assert.Equal(0, code);
        Assert.Contains("Record Example: 12 leads", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Philips_warnings_go_to_stderr()
    {
        var (code, _, err) = Run("ecg", "analyze", TestData.FormatsFile("philips-xml/sixlettervariables__sierra-ecg-tools__129DYPRG.XML"));

        Assert.Equal(0, code);
        Assert.Contains("warning: calibration pulse", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Healforce_file_is_analysed_with_its_warnings_and_a_damaged_file_is_refused()
    {
        var (code, output, err) = Run("ecg", "analyze", TestData.FormatsFile("scp-ecg/KaibinBao__healforcescpecg__62.SCP"));

        Assert.Equal(0, code);
        Assert.Contains("1 leads (V3), 150 Hz", output, StringComparison.Ordinal);
        Assert.Contains("warning: non-compliant SCP-ECG (Healforce dialect", err, StringComparison.Ordinal);

        using var temp = new TempDirectory();
        byte[] damaged = File.ReadAllBytes(TestData.FormatsFile("scp-ecg/Refactoring__ECGToolkit__Example.scp"));
        damaged[20_000] ^= 1;
        File.WriteAllBytes(temp.File("damaged.scp"), damaged);
        var refused = Run("ecg", "analyze", temp.File("damaged.scp"));
        Assert.Equal(1, refused.Code);
        Assert.Contains("SCP-ECG: record, byte offset 0: record CRC", refused.Err, StringComparison.Ordinal);
    }
}
