using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Text;
using Xunit;

namespace Telemed.Dicom.Tests.Text;

public sealed class DicomCharacterSetTests
{
    private static readonly DicomTag PatientName = new(0x0010, 0x0010);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ISO_IR 100")]
    [InlineData("ISO_IR 6")]
    [InlineData("ISO 2022 IR 100")]
    public void Supports_the_default_repertoire_and_latin_1(string? value)
    {
        DicomCharacterSet set = DicomCharacterSet.FromSpecificCharacterSet(value);
        Assert.True(set.IsSupported);
        Assert.Equal("Müller", set.Decode([0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72]));
    }

    [Theory]
    [InlineData("GB18030")]
    [InlineData("ISO_IR 192")]
    [InlineData("\\ISO 2022 IR 87")]
    public void Other_character_sets_decode_ascii_and_refuse_the_rest(string value)
    {
        DicomCharacterSet set = DicomCharacterSet.FromSpecificCharacterSet(value);
        Assert.False(set.IsSupported);
        Assert.Equal("Wang^XiaoDong", set.Decode("Wang^XiaoDong"u8));
        var error = Assert.Throws<DicomException>(() => set.Decode([0xCD, 0xF5]));
        Assert.Contains("not supported yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_set_getters_use_the_data_sets_character_set_and_name_the_element_on_failure()
    {
        byte[] body = new DicomBytes()
            .ExplicitText(0x0008, 0x0005, "CS", "GB18030 ")
            .Explicit(0x0010, 0x0010, "PN", [0x57, 0x61, 0x6E, 0x67, 0x3D, 0xCD, 0xF5])
            .ToArray();
        DicomDataset dataset = DicomDataset.Parse(body, DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal("GB18030", dataset.CharacterSet.SpecificCharacterSet);
        var error = Assert.Throws<DicomException>(() => dataset.GetString(PatientName));
        Assert.Equal(PatientName, error.Tag);
        Assert.Contains("GB18030", error.Message, StringComparison.Ordinal);
    }
}
