using System.Diagnostics;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Text;
using Telemed.Dicom.ValueRepresentations;
using Xunit;

namespace Telemed.Dicom.Tests.Data;

public sealed class DicomDatasetBuilderTests
{
    private static DicomDatasetBuilder Sample(DicomCharacterSet characterSet)
    {
        var builder = new DicomDatasetBuilder(characterSet);
        DicomDatasetBuilder code = builder.CreateItem()
            .Add("CodeValue", "2:1").Add("CodingSchemeDesignator", "MDC").Add("CodeMeaning", "Lead I");
        return builder
            .Add("SOPClassUID", "1.2.840.10008.5.1.4.1.1.9.1.1")
            .Add("SOPInstanceUID", DicomUids.FromName("builder test"))
            .Add("PatientName", "Zhang^San=张^三")
            .Add("Modality", "ECG")
            .AddUInt16("NumberOfWaveformChannels", 12)
            .AddUInt32("NumberOfWaveformSamples", 5000)
            .AddDecimal("SamplingFrequency", 500)
            .AddDecimal("ChannelSensitivity", 0.1 + 0.2)
            .AddInteger("InstanceNumber", -7)
            .AddSequence("ChannelSourceSequence", code)
            .AddWords(new DicomTag(0x5400, 0x1010), [1, -1, short.MinValue]);
    }

    [Theory]
    [InlineData("GB18030")]
    [InlineData("ISO_IR 192")]
    public void Built_data_set_survives_a_Part_10_round_trip(string specificCharacterSet)
    {
        var file = DicomFile.Create(Sample(DicomCharacterSet.FromSpecificCharacterSet(specificCharacterSet)).Build());
        using var stream = new MemoryStream();
        file.Write(stream);
        DicomFile read = DicomFile.Parse(stream.ToArray());

        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, read.TransferSyntax.Uid);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.9.1.1", read.FileMetaInformation.GetUid(new DicomTag(0x0002, 0x0002)));
        Assert.Equal(read.Dataset.GetUid(new DicomTag(0x0008, 0x0018)), read.FileMetaInformation.GetUid(new DicomTag(0x0002, 0x0003)));
        Assert.Equal(DicomFile.ImplementationClassUid, read.FileMetaInformation.GetUid(new DicomTag(0x0002, 0x0012)));
        DicomDataset ds = read.Dataset;
        Assert.Equal(specificCharacterSet, ds.GetString(DicomTag.SpecificCharacterSet));
        Assert.Equal("张^三", ds.GetPersonName(new DicomTag(0x0010, 0x0010)).Ideographic);
        Assert.Equal(12, ds.GetUInt16(new DicomTag(0x003A, 0x0005)));
        Assert.Equal(5000u, ds.GetUInt32(new DicomTag(0x003A, 0x0010)));
        Assert.Equal(500, ds.GetDouble(new DicomTag(0x003A, 0x001A)));
        Assert.Equal(0.3, ds.GetDouble(new DicomTag(0x003A, 0x0210)), 12);
        Assert.Equal(-7, ds.GetInt32(new DicomTag(0x0020, 0x0013)));
        DicomDataset item = Assert.Single(ds.GetSequence(new DicomTag(0x003A, 0x0208)).Items);
        Assert.Equal("Lead I", item.GetString(new DicomTag(0x0008, 0x0104)));
        Assert.False(item.Contains(DicomTag.SpecificCharacterSet));
        DicomElement words = ds[new DicomTag(0x5400, 0x1010)];
        Assert.Equal(DicomVR.OW, words.VR);
        Assert.Equal(new byte[] { 1, 0, 0xFF, 0xFF, 0x00, 0x80 }, words.Value.ToArray());
    }

    [Fact]
    public void Built_file_is_read_by_dcmdump_with_the_same_name()
    {
        string path = Path.Combine(Path.GetTempPath(), $"telemed-builder-{Guid.NewGuid():N}.dcm");
        try
        {
            DicomFile.Create(Sample(DicomCharacterSet.FromSpecificCharacterSet("ISO_IR 192")).Build()).Save(path);
            var start = new ProcessStartInfo("dcmdump", ["+U8", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("(0010,0010) PN [Zhang^San=张^三]", output, StringComparison.Ordinal);
            Assert.Contains("(003a,0005) US 12", output, StringComparison.Ordinal);
            Assert.Contains("(0020,0013) IS [-7]", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Odd_text_is_padded_with_a_space_and_UIDs_with_NUL()
    {
        DicomDataset ds = new DicomDatasetBuilder().Add("Modality", "E").Add("SOPClassUID", "1.2.3").Build();
        Assert.Equal("E "u8.ToArray(), ds[new DicomTag(0x0008, 0x0060)].Value.ToArray());
        Assert.Equal("1.2.3\0"u8.ToArray(), ds[new DicomTag(0x0008, 0x0016)].Value.ToArray());
    }

    [Fact]
    public void Wrong_VR_for_a_keyword_is_refused_with_the_tag()
    {
        var ex = Assert.Throws<DicomException>(() => new DicomDatasetBuilder().AddUInt32("NumberOfWaveformChannels", 12));
        Assert.Equal(new DicomTag(0x003A, 0x0005), ex.Tag);
        Assert.Throws<DicomException>(() => new DicomDatasetBuilder().Add("Modality", "A", "B").Add("PatientComments", "x", "y"));
    }

    [Fact]
    public void Name_based_UIDs_are_stable_distinct_and_valid()
    {
        string a = DicomUids.FromName("sample 1");
        Assert.Equal(a, DicomUids.FromName("sample 1"));
        Assert.NotEqual(a, DicomUids.FromName("sample 2"));
        Assert.NotEqual(DicomUids.Create(), DicomUids.Create());
        Assert.StartsWith("2.25.", a, StringComparison.Ordinal);
        Assert.True(a.Length <= 64);
        Assert.DoesNotContain(".0", a[4..], StringComparison.Ordinal); // PS3.5 §9.1: no leading zeros in a component
    }
}
