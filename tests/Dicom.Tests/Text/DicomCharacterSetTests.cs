using System.Text;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Text;
using Telemed.Dicom.ValueRepresentations;
using Xunit;

namespace Telemed.Dicom.Tests.Text;

public sealed class DicomCharacterSetTests
{
    /// <summary>A synthetic name (no real person): alphabetic, ideographic and phonetic groups, PS3.5 §6.2.1.1.</summary>
    private const string SyntheticName = "Wang^XiaoMing=王^小明=ワン^シャオミン";

    private static readonly DicomTag PatientName = new(0x0010, 0x0010);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ISO_IR 100")]
    [InlineData("ISO_IR 6")]
    [InlineData("ISO 2022 IR 100")]
    [InlineData("ISO-IR 100")]
    public void Supports_the_default_repertoire_and_latin_1(string? value)
    {
        DicomCharacterSet set = DicomCharacterSet.FromSpecificCharacterSet(value);
        Assert.True(set.IsSupported);
        Assert.Equal("Müller", set.Decode([0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72]));
    }

    [Theory]
    [InlineData("ISO_IR 999")]
    [InlineData("\\ISO 2022 IR 999")]
    [InlineData("Big5")]
    public void Unknown_character_sets_decode_ascii_and_refuse_the_rest(string value)
    {
        DicomCharacterSet set = DicomCharacterSet.FromSpecificCharacterSet(value);
        Assert.False(set.IsSupported);
        Assert.Equal("Wang^XiaoDong", set.Decode("Wang^XiaoDong"u8));
        var error = Assert.Throws<DicomException>(() => set.Decode([0xCD, 0xF5]));
        Assert.Contains("not supported yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_set_getters_name_the_element_when_a_value_cannot_be_decoded()
    {
        byte[] body = new DicomBytes()
            .ExplicitText(0x0008, 0x0005, "CS", "ISO_IR 192")
            .Explicit(0x0010, 0x0010, "PN", [0x57, 0x61, 0x6E, 0x67, 0x3D, 0xCD, 0xF5, 0x20]) // GBK bytes, invalid UTF-8
            .ToArray();
        DicomDataset dataset = DicomDataset.Parse(body, DicomTransferSyntax.ExplicitVRLittleEndian);
        var error = Assert.Throws<DicomException>(() => dataset.GetString(PatientName));
        Assert.Equal(PatientName, error.Tag);
        Assert.Contains("ISO_IR 192", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GB18030", 54936)]
    [InlineData("GBK", 936)]
    [InlineData("ISO_IR 192", 65001)]
    public void Chinese_names_round_trip_in_the_sets_without_code_extensions(string term, int codePage)
    {
        DicomCharacterSet set = DicomCharacterSet.FromSpecificCharacterSet(term);
        byte[] expected = CodePagesEncodingProvider.Instance.GetEncoding(codePage)?.GetBytes(SyntheticName) ?? Encoding.UTF8.GetBytes(SyntheticName);
        byte[] encoded = set.Encode(SyntheticName, DicomVR.PN);
        Assert.Equal(expected, encoded);
        Assert.Equal(SyntheticName, set.Decode(encoded, DicomVR.PN));
        DicomPersonName name = DicomPersonName.Parse(set.Decode(encoded, DicomVR.PN));
        Assert.Equal("王^小明", name.Ideographic);
        Assert.Equal("ワン^シャオミン", name.Phonetic);
    }

    [Fact]
    public void Gb18030_decodes_four_byte_sequences_and_a_backslash_inside_a_gbk_character()
    {
        DicomCharacterSet set = DicomCharacterSet.FromSpecificCharacterSet("GB18030");
        // 𠀀 (U+20000) is the four-byte sequence 95 32 82 36; 乗 (U+4E57) is GBK 81 5C, whose trail byte is "\".
        Assert.Equal("𠀀乗", set.Decode([0x95, 0x32, 0x82, 0x36, 0x81, 0x5C], DicomVR.LO));
    }

    [Fact]
    public void Iso_2022_ir_58_designates_gb2312_into_g1_again_after_every_delimiter()
    {
        // PS3.5 Annex J (example of the GB 2312 code extension), the bytes of fo-dicom's chrGB2312.dcm.
        byte[] bytes = [.. "Zhang^XiaoDong="u8, 0x1B, 0x24, 0x29, 0x41, 0xD5, 0xC5, (byte)'^', 0x1B, 0x24, 0x29, 0x41, 0xD0, 0xA1, 0xB6, 0xAB, (byte)'='];
        DicomCharacterSet set = DicomCharacterSet.FromSpecificCharacterSet("\\ISO 2022 IR 58");
        Assert.True(set.UsesCodeExtensions);
        Assert.Equal("Zhang^XiaoDong=张^小东=", set.Decode(bytes, DicomVR.PN));
        Assert.Equal(bytes, set.Encode("Zhang^XiaoDong=张^小东=", DicomVR.PN));
    }

    [Fact]
    public void Synthetic_name_round_trips_through_iso_2022_ir_58_including_gb2312_katakana()
    {
        DicomCharacterSet set = DicomCharacterSet.FromSpecificCharacterSet("\\ISO 2022 IR 58");
        byte[] encoded = set.Encode(SyntheticName, DicomVR.PN);
        byte[] designate = [0x1B, 0x24, 0x29, 0x41];
        Assert.Equal(4, Occurrences(encoded, designate)); // after '=', '^', '=', '^'
        Assert.DoesNotContain(encoded, b => b is > 0x7F and < 0xA1);
        Assert.Equal(SyntheticName, set.Decode(encoded, DicomVR.PN));
        Assert.Equal(encoded, set.Encode(set.Decode(encoded, DicomVR.PN), DicomVR.PN));
    }

    [Fact]
    public void Japanese_example_h31_switches_g0_to_jis_x_0208_and_back_before_delimiters()
    {
        // PS3.5 Annex H.3.1 (chrH31.dcm): ESC $ B designates JIS X 0208 to G0, ESC ( B returns to ASCII.
        byte[] bytes = Encoding.Latin1.GetBytes("Yamada^Tarou=\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B=\u001b$B$d$^$@\u001b(B^\u001b$B$?$m$&\u001b(B");
        DicomCharacterSet set = DicomCharacterSet.FromSpecificCharacterSet("\\ISO 2022 IR 87");
        Assert.Equal("Yamada^Tarou=山田^太郎=やまだ^たろう", set.Decode(bytes, DicomVR.PN));
        Assert.Equal(bytes, set.Encode("Yamada^Tarou=山田^太郎=やまだ^たろう", DicomVR.PN));
    }

    [Fact]
    public void Japanese_example_h32_starts_with_jis_x_0201_katakana_in_g1()
    {
        // PS3.5 Annex H.3.2 (chrH32.dcm): value 1 ISO 2022 IR 13 puts half-width katakana in G1 without an escape.
        byte[] bytes = File.ReadAllBytes(TestData.PathOf("pydicom/charset_files/chrH32.dcm"));
        DicomFile file = DicomFile.Parse(bytes);
        DicomElement name = file.Dataset[PatientName];
        string decoded = file.Dataset.GetString(PatientName);
        Assert.Equal("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", decoded);
        Assert.Equal(name.Value.Span.TrimEnd((byte)' ').ToArray(), file.Dataset.CharacterSet.Encode(decoded, DicomVR.PN));
    }

    [Theory]
    [InlineData("ISO_IR 101", "Dvořák^Žofie")]
    [InlineData("ISO_IR 109", "Ġużeppi^Ħal")]
    [InlineData("ISO_IR 110", "Ļaudis^Ŗīga")]
    [InlineData("ISO_IR 144", "Люкceмбypг")]
    [InlineData("ISO_IR 127", "قباني^لنزار")]
    [InlineData("ISO_IR 126", "Διονυσιος")]
    [InlineData("ISO_IR 138", "שרון^דבורה")]
    [InlineData("ISO_IR 148", "Öztürk^Şule")]
    [InlineData("ISO_IR 166", "สมชาย^ใจดี")]
    [InlineData("ISO_IR 13", "ﾔﾏﾀﾞ^ﾀﾛｳ")]
    [InlineData("ISO 2022 IR 144\\ISO 2022 IR 126", "Ψ^Ж")]
    public void Single_byte_sets_round_trip(string term, string text)
    {
        DicomCharacterSet set = DicomCharacterSet.FromSpecificCharacterSet(term);
        Assert.True(set.IsSupported);
        byte[] encoded = set.Encode(text, DicomVR.PN);
        Assert.Equal(text, set.Decode(encoded, DicomVR.PN));
    }

    [Fact]
    public void Refuses_to_encode_characters_outside_the_declared_sets()
    {
        var error = Assert.Throws<DicomException>(() => DicomCharacterSet.FromSpecificCharacterSet("ISO_IR 100").Encode("王", DicomVR.PN));
        Assert.Contains("U+738B", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fallback_decodes_unlabelled_gb18030_and_records_it()
    {
        byte[] name = [.. CodePagesEncodingProvider.Instance.GetEncoding(54936)!.GetBytes("王^小明"), (byte)' '];
        byte[] body = new DicomBytes()
            .Explicit(0x0008, 0x1030, "LO", CodePagesEncodingProvider.Instance.GetEncoding(54936)!.GetBytes("胸部正位片"))
            .Explicit(0x0010, 0x0010, "PN", name)
            .ToArray();
        var options = new DicomReadOptions { FallbackCharacterSet = "GB18030" };

        DicomDataset trusted = DicomDataset.Parse(body, DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.False(trusted.CharacterSet.IsFallback);
        Assert.NotEqual("王^小明", trusted.GetString(PatientName));

        DicomDataset dataset = DicomDataset.Parse(body, DicomTransferSyntax.ExplicitVRLittleEndian, options);
        Assert.True(dataset.CharacterSet.IsFallback);
        Assert.Equal("", dataset.CharacterSet.DeclaredSpecificCharacterSet);
        Assert.Equal("GB18030", dataset.CharacterSet.SpecificCharacterSet);
        Assert.Equal("王^小明", dataset.GetString(PatientName));
        Assert.Equal("胸部正位片", dataset.GetString(new DicomTag(0x0008, 0x1030)));
    }

    [Fact]
    public void Fallback_leaves_plausible_latin_1_alone_even_when_mislabelled_data_exists_elsewhere()
    {
        var options = new DicomReadOptions { FallbackCharacterSet = "GB18030" };
        byte[] latin = new DicomBytes()
            .ExplicitText(0x0008, 0x0005, "CS", "ISO_IR 100")
            .ExplicitText(0x0010, 0x0010, "PN", "Müller^Jürgen ")
            .ToArray();
        DicomDataset dataset = DicomDataset.Parse(latin, DicomTransferSyntax.ExplicitVRLittleEndian, options);
        Assert.False(dataset.CharacterSet.IsFallback);
        Assert.Equal("Müller^Jürgen", dataset.GetString(PatientName));

        // A declared GB18030 is never second-guessed, and ASCII-only data gives no evidence.
        byte[] ascii = new DicomBytes().ExplicitText(0x0010, 0x0010, "PN", "Wang^XiaoMing ").ToArray();
        Assert.False(DicomDataset.Parse(ascii, DicomTransferSyntax.ExplicitVRLittleEndian, options).CharacterSet.IsFallback);
    }

    [Fact]
    public void Fallback_reaches_items_that_inherit_the_character_set()
    {
        var gb = CodePagesEncodingProvider.Instance.GetEncoding(54936)!;
        byte[] body = new DicomBytes()
            .ExplicitText(0x0008, 0x0005, "CS", "ISO_IR 100")
            .ExplicitLong(0x0040, 0x0275, "SQ", 0xFFFFFFFF)
            .Item(0xFFFFFFFF)
            .Explicit(0x0032, 0x1060, "LO", [.. gb.GetBytes("头颅平扫"), .. new byte[gb.GetByteCount("头颅平扫") % 2 == 1 ? 1 : 0]])
            .ItemDelimiter()
            .SequenceDelimiter()
            .ToArray();
        DicomDataset dataset = DicomDataset.Parse(body, DicomTransferSyntax.ExplicitVRLittleEndian, new DicomReadOptions { FallbackCharacterSet = "GB18030" });
        Assert.Equal("ISO_IR 100", dataset.CharacterSet.DeclaredSpecificCharacterSet);
        DicomDataset item = dataset.GetSequence(new DicomTag(0x0040, 0x0275)).Items[0];
        Assert.True(item.CharacterSet.IsFallback);
        Assert.Equal("头颅平扫", item.GetString(new DicomTag(0x0032, 0x1060)));
    }

    private static int Occurrences(byte[] haystack, byte[] needle)
    {
        int count = 0;
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            count += haystack.AsSpan(i, needle.Length).SequenceEqual(needle) ? 1 : 0;
        }

        return count;
    }
}
