using System.Globalization;
using Telemed.Cli;
using Xunit;

namespace Telemed.Dicom.Tests.Cli;

public sealed class DicomCommandsTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Dump_prints_tag_VR_length_keyword_and_value()
    {
        var (code, output, error) = Run("dicom", "dump", TestData.PathOf("pydicom/test_files/CT_small.dcm"));
        Assert.Equal(0, code);
        Assert.Equal("", error);
        string[] lines = output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("(0010,0010) PN     22 PatientName", StringComparison.Ordinal) && l.EndsWith("[CompressedSamples^CT1]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("(0028,0010) US      2 Rows", StringComparison.Ordinal) && l.EndsWith(" 128", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("(0002,0010) UI     20 TransferSyntaxUID", StringComparison.Ordinal));
        // 32 KB of pixel data is shown as its first 16 bytes.
        Assert.Contains(lines, l => l.StartsWith("(7FE0,0010) OW  32768 PixelData", StringComparison.Ordinal) && l.EndsWith(" ...", StringComparison.Ordinal));
    }

    [Fact]
    public void Dump_shows_sequence_items_and_encapsulated_fragments()
    {
        var (code, output, _) = Run("dicom", "dump", TestData.PathOf("pydicom/test_files/JPEG2000.dcm"));
        Assert.Equal(0, code);
        Assert.Contains("  > item 1", output, StringComparison.Ordinal);
        Assert.Contains("(7FE0,0010) OB    u/l PixelData", output, StringComparison.Ordinal);
        Assert.Contains("encapsulated: offset table", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_of_a_malformed_file_fails_with_exit_code_1_and_names_tag_and_offset()
    {
        var (code, output, error) = Run("dicom", "dump", TestData.PathOf("pydicom/test_files/MR_truncated.dcm"));
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("(7FE0,0010) at offset 1488: value length 8192 exceeds", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_of_a_missing_file_fails_with_exit_code_1()
    {
        var (code, _, error) = Run("dicom", "dump", Path.Combine(Path.GetTempPath(), "no-such-file.dcm"));
        Assert.Equal(1, code);
        Assert.Contains("not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_errors_exit_with_2()
    {
        Assert.Equal(2, Run("dicom").Code);
        Assert.Equal(2, Run("dicom", "dump").Code);
        Assert.Equal(2, Run("dicom", "frobnicate").Code);
    }
}
