using Telemed.Dicom.ValueRepresentations;
using Xunit;

namespace Telemed.Dicom.Tests.ValueRepresentations;

public sealed class DicomVRTests
{
    [Fact]
    public void Has_the_34_VRs_of_PS3_5_table_6_2_1_in_order()
    {
        Assert.Equal(34, DicomVR.All.Count);
        Assert.Equal(DicomVR.All.Select(v => v.Code).Order(StringComparer.Ordinal), DicomVR.All.Select(v => v.Code));
        Assert.Equal(34, DicomVR.All.Select(v => v.Code).Distinct().Count());
    }

    [Theory]
    [InlineData("OB", 12)]
    [InlineData("OD", 12)]
    [InlineData("OF", 12)]
    [InlineData("OL", 12)]
    [InlineData("OV", 12)]
    [InlineData("OW", 12)]
    [InlineData("SQ", 12)]
    [InlineData("SV", 12)]
    [InlineData("UC", 12)]
    [InlineData("UN", 12)]
    [InlineData("UR", 12)]
    [InlineData("UT", 12)]
    [InlineData("UV", 12)]
    [InlineData("AE", 8)]
    [InlineData("LT", 8)]
    [InlineData("PN", 8)]
    [InlineData("US", 8)]
    [InlineData("FD", 8)]
    [InlineData("AT", 8)]
    public void Explicit_header_length_follows_PS3_5_7_1_2(string code, int headerLength)
    {
        Assert.Equal(headerLength, DicomVR.Parse(code).ExplicitHeaderLength);
    }

    [Theory]
    [InlineData("UI", 0x00)]
    [InlineData("PN", 0x20)]
    [InlineData("CS", 0x20)]
    [InlineData("UT", 0x20)]
    [InlineData("OB", 0x00)]
    [InlineData("US", 0x00)]
    public void Pads_text_with_space_and_UI_and_binary_with_NUL(string code, byte padding)
    {
        Assert.Equal(padding, DicomVR.Parse(code).PaddingByte);
    }

    [Theory]
    [InlineData("AE", 16u)]
    [InlineData("CS", 16u)]
    [InlineData("DS", 16u)]
    [InlineData("DT", 26u)]
    [InlineData("IS", 12u)]
    [InlineData("LO", 64u)]
    [InlineData("LT", 10240u)]
    [InlineData("SH", 16u)]
    [InlineData("ST", 1024u)]
    [InlineData("UI", 64u)]
    [InlineData("UT", 0xFFFFFFFEu)]
    public void Max_lengths_are_those_of_the_table(string code, uint maxLength)
    {
        Assert.Equal(maxLength, DicomVR.Parse(code).MaxLength);
    }

    [Fact]
    public void Classifies_text_numbers_bytes_and_sequences()
    {
        Assert.True(DicomVR.PN.IsText);
        Assert.True(DicomVR.PN.IsMultiValuedText);
        Assert.False(DicomVR.LT.IsMultiValuedText);
        Assert.False(DicomVR.UT.IsMultiValuedText);
        Assert.Equal(DicomVRKind.Number, DicomVR.US.Kind);
        Assert.Equal(2, DicomVR.US.ValueSize);
        Assert.Equal(8, DicomVR.FD.ValueSize);
        Assert.Equal(DicomVRKind.Bytes, DicomVR.OW.Kind);
        Assert.Equal(DicomVRKind.Sequence, DicomVR.SQ.Kind);
    }

    [Fact]
    public void Parses_two_ascii_bytes_and_rejects_others()
    {
        Assert.True(DicomVR.TryParse("PN"u8, out DicomVR pn));
        Assert.Same(DicomVR.PN, pn);
        Assert.False(DicomVR.TryParse("pn"u8, out _));
        Assert.False(DicomVR.TryParse("  "u8, out _));
        Assert.False(DicomVR.TryParse("P"u8, out _));
        Assert.False(DicomVR.TryParse("XX", out _));
        Assert.Throws<FormatException>(() => DicomVR.Parse("xs"));
    }
}
