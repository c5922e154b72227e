using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Xunit;

namespace Telemed.Dicom.Tests.Data;

public sealed class DicomElementTests
{
    private static DicomElement Element(string vr, byte[] value, bool bigEndian = false)
    {
        byte[] body = new DicomBytes(bigEndian).Explicit(0x0009, 0x1010, vr, value).ToArray();
        DicomTransferSyntax syntax = bigEndian ? DicomTransferSyntax.ExplicitVRBigEndian : DicomTransferSyntax.ExplicitVRLittleEndian;
        return DicomDataset.Parse(body, syntax)[new DicomTag(0x0009, 0x1010)];
    }

    private static DicomElement Text(string vr, string value) => Element(vr, System.Text.Encoding.Latin1.GetBytes(value));

    [Fact]
    public void Text_values_lose_trailing_padding_and_split_on_backslash()
    {
        DicomElement imageType = Text("CS", "ORIGINAL\\PRIMARY\\AXIAL ");
        Assert.Equal("ORIGINAL\\PRIMARY\\AXIAL", imageType.GetString());
        Assert.Equal(["ORIGINAL", "PRIMARY", "AXIAL"], imageType.GetStrings());
        Assert.Equal(3, imageType.ValueCount);

        DicomElement text = Text("LT", "line one\\not a separator ");
        Assert.Equal(1, text.ValueCount);
        Assert.Equal(["line one\\not a separator"], text.GetStrings());

        Assert.Empty(Text("LO", "").GetStrings());
        Assert.Equal(0, Text("LO", "").ValueCount);
    }

    [Fact]
    public void UIDs_lose_their_NUL_padding()
    {
        Assert.Equal("1.2.840.10008.1.2.1", Text("UI", "1.2.840.10008.1.2.1\0").GetUid());
    }

    [Fact]
    public void Decimal_and_integer_strings_parse_each_value()
    {
        DicomElement ds = Text("DS", " 1.5\\-2e3\\+.25 ");
        Assert.Equal(1.5, ds.GetDouble(0));
        Assert.Equal(-2000.0, ds.GetDouble(1));
        Assert.Equal(0.25, ds.GetDouble(2));
        Assert.Throws<DicomException>(() => ds.GetDouble(3));

        DicomElement @is = Text("IS", " 42\\-7");
        Assert.Equal(42, @is.GetInt32(0));
        Assert.Equal(-7, @is.GetInt32(1));

        var error = Assert.Throws<DicomException>(() => Text("DS", "1,5").GetDouble());
        Assert.Contains("DS value '1,5' is not a decimal string", error.Message, StringComparison.Ordinal);
        Assert.Throws<DicomException>(() => Text("IS", "4.2").GetInt32());
    }

    [Fact]
    public void Binary_integers_follow_the_byte_order_of_the_transfer_syntax()
    {
        DicomElement us = Element("US", [0x01, 0x02, 0xFF, 0xFF]);
        Assert.Equal((ushort)0x0201, us.GetUInt16(0));
        Assert.Equal((ushort)0xFFFF, us.GetUInt16(1));
        Assert.Equal(2, us.ValueCount);
        Assert.Equal(65535, us.GetInt32(1));

        Assert.Equal((ushort)0x0102, Element("US", [0x01, 0x02], bigEndian: true).GetUInt16());
        Assert.Equal((short)-2, Element("SS", [0xFE, 0xFF]).GetInt16());
        Assert.Equal(0x04030201u, Element("UL", [1, 2, 3, 4]).GetUInt32());
        Assert.Equal(0x01020304u, Element("UL", [1, 2, 3, 4], bigEndian: true).GetUInt32());
        Assert.Equal(-1, Element("SL", [0xFF, 0xFF, 0xFF, 0xFF]).GetInt32());
        Assert.Equal(1.0, Element("FD", BitConverter.GetBytes(1.0)).GetDouble());
        Assert.Equal(new DicomTag(0x0010, 0x0020), Element("AT", [0x10, 0x00, 0x20, 0x00]).GetTag());
    }

    [Fact]
    public void Asking_for_a_value_that_is_not_there_names_the_tag()
    {
        DicomElement us = Element("US", [0x01, 0x02]);
        var error = Assert.Throws<DicomException>(() => us.GetUInt16(1));
        Assert.Equal(new DicomTag(0x0009, 0x1010), error.Tag);
        Assert.Contains("value 1 requested", error.Message, StringComparison.Ordinal);

        Assert.Throws<DicomException>(() => Element("US", [0x01]).GetUInt16()); // odd length: no whole value
        Assert.Throws<DicomException>(() => us.GetString()); // not text
        Assert.Throws<DicomException>(() => us.GetInt16()); // US is not SS
    }

    [Theory]
    [InlineData("20240131", 2024, 1, 31)]
    [InlineData("2024.01.31", 2024, 1, 31)] // ACR-NEMA form PS3.5 asks readers to accept
    [InlineData("19000101 ", 1900, 1, 1)]
    public void Dates_parse(string value, int year, int month, int day)
    {
        Assert.Equal(new DateOnly(year, month, day), Text("DA", value).GetDate());
    }

    [Theory]
    [InlineData("20240231")]
    [InlineData("2024-01-31")]
    [InlineData("240131")]
    public void Invalid_dates_give_a_DicomException(string value)
    {
        Assert.Throws<DicomException>(() => Text("DA", value).GetDate());
    }

    [Fact]
    public void Person_names_come_from_PN_values()
    {
        DicomPersonName name = Text("PN", "Yamada^Tarou=山田^太郎=やまだ^たろう").GetPersonName();
        Assert.Equal("Yamada", name.FamilyName);
        Assert.Equal("Tarou", name.GivenName);
        Assert.Equal("山田^太郎".Length, name.Ideographic.Length);
        Assert.Equal(3, name.ComponentGroups.Count);
    }
}
