using System.IO.Compression;
using System.Runtime.InteropServices;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;
using Xunit;

namespace Telemed.Dicom.Tests.Files;

public sealed class DicomFileTests
{
    private const string ExplicitLE = "1.2.840.10008.1.2.1";
    private static readonly DicomTag PatientName = new(0x0010, 0x0010);
    private static readonly DicomTag Rows = new(0x0028, 0x0010);
    private static readonly DicomTag ReferencedSeries = new(0x0008, 0x1115);
    private static readonly DicomTag SeriesUid = new(0x0020, 0x000E);

    [Fact]
    public void Reads_a_part_10_file_with_nested_undefined_length_sequences()
    {
        byte[] body = new DicomBytes()
            .ExplicitText(0x0008, 0x0005, "CS", "ISO_IR 100")
            .ExplicitLong(0x0008, 0x1115, "SQ", 0xFFFFFFFF)
            .Item(0xFFFFFFFF)
            .ExplicitText(0x0020, 0x000E, "UI", "1.2.3\0")
            .ItemDelimiter()
            .Item(18).ExplicitText(0x0020, 0x000E, "UI", "1.2.3.4.5\0")
            .SequenceDelimiter()
            .ExplicitText(0x0010, 0x0010, "PN", "M\u00fcller^Hans")
            .Explicit(0x0028, 0x0010, "US", [0x00, 0x02])
            .ToArray();

        DicomFile file = DicomFile.Parse(DicomBytes.Part10(ExplicitLE, body));

        Assert.True(file.HasPreamble);
        Assert.False(file.IsTransferSyntaxInferred);
        Assert.Same(DicomTransferSyntax.ExplicitVRLittleEndian, file.TransferSyntax);
        Assert.Equal(2, file.FileMetaInformation.Count);
        Assert.Equal(4, file.Dataset.Count);
        Assert.Equal((ushort)512, file.Dataset.GetUInt16(Rows));
        Assert.Equal("Müller", file.Dataset.GetPersonName(PatientName).FamilyName);

        DicomSequence sequence = file.Dataset.GetSequence(ReferencedSeries);
        Assert.True(sequence.HasUndefinedLength);
        Assert.Equal(2, sequence.Items.Count);
        Assert.Equal("1.2.3", sequence.Items[0].GetUid(SeriesUid));
        Assert.Equal("1.2.3.4.5", sequence.Items[1].GetUid(SeriesUid));
        Assert.Equal("ISO_IR 100", sequence.Items[1].CharacterSet.SpecificCharacterSet); // inherited (PS3.5 §7.5.3)
    }

    [Fact]
    public void Reads_a_bare_implicit_VR_data_set_with_VRs_from_the_dictionary()
    {
        byte[] body = new DicomBytes()
            .Implicit(0x0010, 0x0010, "Doe^John"u8.ToArray())
            .Implicit(0x0010, 0x0030, "19700101"u8.ToArray())
            .Implicit(0x0028, 0x0010, [0x00, 0x01])
            .Implicit(0x0029, 0x1010, [1, 2, 3, 4])
            .ToArray();

        DicomDataset dataset = DicomDataset.Parse(body, DicomTransferSyntax.ImplicitVRLittleEndian);

        Assert.Same(DicomVR.PN, dataset[PatientName].VR);
        Assert.Equal(new DateOnly(1970, 1, 1), dataset.GetDate(new DicomTag(0x0010, 0x0030)));
        Assert.Equal((ushort)256, dataset.GetUInt16(Rows));
        Assert.Same(DicomVR.UN, dataset[new DicomTag(0x0029, 0x1010)].VR);
    }

    [Fact]
    public void Infers_the_transfer_syntax_of_files_without_meta_information()
    {
        byte[] bigEndian = new DicomBytes(bigEndian: true)
            .ExplicitText(0x0008, 0x0060, "CS", "CT")
            .Explicit(0x0028, 0x0010, "US", [0x02, 0x00])
            .Explicit(0x0028, 0x0030, "UL", [0x00, 0x01, 0x00, 0x00])
            .ToArray();
        DicomFile be = DicomFile.Parse(bigEndian);
        Assert.True(be.IsTransferSyntaxInferred);
        Assert.False(be.HasPreamble);
        Assert.Same(DicomTransferSyntax.ExplicitVRBigEndian, be.TransferSyntax);
        Assert.Equal((ushort)512, be.Dataset.GetUInt16(Rows));
        Assert.Equal(65536u, be.Dataset.GetUInt32(new DicomTag(0x0028, 0x0030)));

        byte[] implicitLE = new DicomBytes().Implicit(0x0008, 0x0060, "MR"u8.ToArray()).ToArray();
        DicomFile le = DicomFile.Parse(implicitLE);
        Assert.Same(DicomTransferSyntax.ImplicitVRLittleEndian, le.TransferSyntax);
        Assert.Equal("MR", le.Dataset.GetString(new DicomTag(0x0008, 0x0060)));
    }

    [Fact]
    public void Inflates_the_deflated_transfer_syntax()
    {
        byte[] body = new DicomBytes().ExplicitText(0x0010, 0x0010, "PN", "Deflated^Patient ").ToArray();
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(body);
        }

        DicomFile file = DicomFile.Parse(DicomBytes.Part10("1.2.840.10008.1.2.1.99", compressed.ToArray()));
        Assert.True(file.TransferSyntax.IsDeflated);
        Assert.Equal("Deflated^Patient", file.Dataset.GetString(PatientName));
    }

    [Fact]
    public void Refuses_a_deflated_data_set_that_inflates_past_the_limit()
    {
        byte[] body = new DicomBytes().Explicit(0x0009, 0x1010, "OB", new byte[4000]).ToArray();
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(body);
        }

        byte[] file = DicomBytes.Part10("1.2.840.10008.1.2.1.99", compressed.ToArray());
        var error = Assert.Throws<DicomException>(() => DicomFile.Parse(file, new DicomReadOptions { MaxInflatedLength = 1000 }));
        Assert.Contains("1000-byte limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_encapsulated_pixel_data_as_fragments_that_reference_the_buffer()
    {
        byte[] body = new DicomBytes()
            .Explicit(0x0028, 0x0010, "US", [0x10, 0x00])
            .ExplicitLong(0x7FE0, 0x0010, "OB", 0xFFFFFFFF)
            .Item(8).U32(0).U32(14)
            .Item(6).Raw(1, 2, 3, 4, 5, 6)
            .Item(4).Raw(7, 8, 9, 10)
            .SequenceDelimiter()
            .ToArray();
        byte[] data = DicomBytes.Part10("1.2.840.10008.1.2.4.50", body);

        DicomFile file = DicomFile.Parse(data);

        Assert.True(file.TransferSyntax.IsEncapsulated);
        var pixels = Assert.IsType<DicomFragmentSequence>(file.Dataset[DicomTag.PixelData]);
        Assert.Same(DicomVR.OB, pixels.VR);
        Assert.Equal([0u, 14u], pixels.GetBasicOffsets());
        Assert.Equal(2, pixels.Fragments.Count);
        Assert.Equal(new byte[] { 7, 8, 9, 10 }, pixels.Fragments[1].ToArray());
        Assert.True(MemoryMarshal.TryGetArray(pixels.Fragments[0], out ArraySegment<byte> segment));
        Assert.Same(data, segment.Array); // not copied
    }

    [Fact]
    public void Element_values_are_slices_of_the_input_not_copies()
    {
        byte[] data = DicomBytes.Part10(ExplicitLE, new DicomBytes().ExplicitLong(0x7FE0, 0x0010, "OW", 64).Raw(new byte[64]).ToArray());
        DicomFile file = DicomFile.Parse(data);
        Assert.True(MemoryMarshal.TryGetArray(file.Dataset[DicomTag.PixelData].Value, out ArraySegment<byte> segment));
        Assert.Same(data, segment.Array);
        Assert.Equal(data.Length - 64, segment.Offset);
    }

    [Fact]
    public void Can_stop_before_pixel_data()
    {
        byte[] body = new DicomBytes()
            .Explicit(0x0028, 0x0010, "US", [0x10, 0x00])
            .ExplicitLong(0x7FE0, 0x0010, "OW", 0x7FFFFFF0) // would be rejected if read: far longer than the file
            .ToArray();
        DicomFile file = DicomFile.Parse(DicomBytes.Part10(ExplicitLE, body), new DicomReadOptions { StopBeforePixelData = true });
        Assert.True(file.Dataset.Contains(Rows));
        Assert.False(file.Dataset.Contains(DicomTag.PixelData));
    }

    [Fact]
    public void Reads_UN_of_undefined_length_as_an_implicit_VR_sequence()
    {
        // PS3.5 §6.2.2: the content of UN with undefined length is Implicit VR Little Endian.
        byte[] body = new DicomBytes()
            .ExplicitLong(0x0008, 0x1115, "UN", 0xFFFFFFFF)
            .Item(0xFFFFFFFF)
            .Implicit(0x0020, 0x000E, "1.2\0"u8.ToArray())
            .ItemDelimiter()
            .SequenceDelimiter()
            .ToArray();
        DicomFile file = DicomFile.Parse(DicomBytes.Part10(ExplicitLE, body));
        DicomSequence sequence = file.Dataset.GetSequence(ReferencedSeries);
        Assert.Same(DicomVR.UI, sequence.Items[0][SeriesUid].VR);
        Assert.Equal("1.2", sequence.Items[0].GetUid(SeriesUid));
    }

    [Fact]
    public void Keeps_the_first_of_duplicate_tags_and_sorts_out_of_order_elements()
    {
        byte[] body = new DicomBytes()
            .ExplicitText(0x0010, 0x0020, "LO", "ID2 ")
            .ExplicitText(0x0010, 0x0010, "PN", "First")
            .ExplicitText(0x0010, 0x0010, "PN", "Again")
            .ToArray();
        DicomDataset dataset = DicomDataset.Parse(body, DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal(["(0010,0010)", "(0010,0020)"], dataset.Select(e => e.Tag.ToString()));
        Assert.Equal("First", dataset.GetString(PatientName));
    }

    [Fact]
    public void A_value_longer_than_the_file_names_tag_and_offset()
    {
        byte[] body = new DicomBytes().ExplicitText(0x0008, 0x0060, "CS", "CT").Tag(0x0010, 0x0010).Ascii("PN").U16(200).Ascii("Doe").ToArray();
        var error = Assert.Throws<DicomException>(() => DicomDataset.Parse(body, DicomTransferSyntax.ExplicitVRLittleEndian));
        Assert.Equal(PatientName, error.Tag);
        Assert.Equal(10, error.Offset);
        Assert.Equal("(0010,0010) at offset 10: value length 200 exceeds the 3 byte(s) remaining", error.Message);
    }

    [Fact]
    public void A_huge_declared_length_is_refused_before_any_allocation()
    {
        byte[] body = new DicomBytes().ExplicitLong(0x7FE0, 0x0010, "OB", 0xFFFFFFF0).Raw(1, 2, 3, 4).ToArray();
        var error = Assert.Throws<DicomException>(() => DicomDataset.Parse(body, DicomTransferSyntax.ExplicitVRLittleEndian));
        Assert.Contains("value length 4294967280 exceeds the 4 byte(s) remaining", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sequence_nesting_is_bounded()
    {
        var bytes = new DicomBytes();
        for (int i = 0; i < 100; i++)
        {
            bytes.ExplicitLong(0x0008, 0x1115, "SQ", 0xFFFFFFFF).Item(0xFFFFFFFF);
        }

        var error = Assert.Throws<DicomException>(() => DicomDataset.Parse(bytes.ToArray(), DicomTransferSyntax.ExplicitVRLittleEndian));
        Assert.Contains("nested deeper than 64 levels", error.Message, StringComparison.Ordinal);

        var shallow = new DicomReadOptions { MaxSequenceDepth = 3 };
        error = Assert.Throws<DicomException>(() => DicomDataset.Parse(bytes.ToArray(), DicomTransferSyntax.ExplicitVRLittleEndian, shallow));
        Assert.Contains("nested deeper than 3 levels", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], string> MalformedBodies() => new()
    {
        {
            "item without its delimiter",
            new DicomBytes().ExplicitLong(0x0008, 0x1115, "SQ", 0xFFFFFFFF).Item(0xFFFFFFFF).ExplicitText(0x0020, 0x000E, "UI", "1.2\0").ToArray(),
            "ends without an Item Delimitation Item"
        },
        {
            "sequence without its delimiter",
            new DicomBytes().ExplicitLong(0x0008, 0x1115, "SQ", 0xFFFFFFFF).Item(0).ToArray(),
            "ends without a Sequence Delimitation Item"
        },
        {
            "undefined length on US",
            new DicomBytes().Tag(0x0028, 0x0010).Ascii("US").U16(0xFFFF).Raw(new byte[8]).ToArray(),
            "value length 65535 exceeds"
        },
        {
            "undefined length on OB that is not pixel data",
            new DicomBytes().ExplicitLong(0x0009, 0x1010, "OB", 0xFFFFFFFF).ToArray(),
            "undefined length is not allowed for VR OB"
        },
        {
            "three stray bytes at the end",
            new DicomBytes().ExplicitText(0x0008, 0x0060, "CS", "CT").Raw(1, 2, 3).ToArray(),
            "offset 10: 3 byte(s) left, too few for an element header"
        },
        {
            "VR bytes that are not letters",
            new DicomBytes().Tag(0x0008, 0x0060).Raw(0x02, 0x00).U16(2).Ascii("CT").ToArray(),
            "invalid VR bytes 02 00"
        },
        {
            "item delimiter in the top-level data set",
            new DicomBytes().ItemDelimiter().ToArray(),
            "Item Delimitation Item outside an item"
        },
        {
            "something other than an item in a sequence",
            new DicomBytes().ExplicitLong(0x0008, 0x1115, "SQ", 8).Tag(0x0008, 0x0060).U32(0).ToArray(),
            "expected an Item (FFFE,E000) in the sequence, found (0008,0060)"
        },
        {
            "item longer than its sequence",
            new DicomBytes().ExplicitLong(0x0008, 0x1115, "SQ", 8).Item(100).ToArray(),
            "item length 100 exceeds the 0 byte(s) remaining"
        },
        {
            "element crossing the end of its item",
            new DicomBytes().ExplicitLong(0x0008, 0x1115, "SQ", 20).Item(12).ExplicitText(0x0020, 0x000E, "UI", "1.2.3\0").ToArray(),
            "value length 6 exceeds the 4 byte(s) remaining"
        },
        {
            "fragment of undefined length",
            new DicomBytes().ExplicitLong(0x7FE0, 0x0010, "OB", 0xFFFFFFFF).Item(0).Item(0xFFFFFFFF).ToArray(),
            "fragment of undefined length"
        },
        {
            "pixel data without sequence delimiter",
            new DicomBytes().ExplicitLong(0x7FE0, 0x0010, "OB", 0xFFFFFFFF).Item(0).Item(2).Raw(1, 2).ToArray(),
            "encapsulated pixel data ends without a Sequence Delimitation Item"
        },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Malformed_input_gives_a_DicomException_naming_the_offset(string what, byte[] body, string expected)
    {
        var error = Assert.Throws<DicomException>(() => DicomDataset.Parse(body, DicomTransferSyntax.ExplicitVRLittleEndian));
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.InRange(error.Offset, 0, body.Length);
        Assert.Contains($"offset {error.Offset}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncating_a_valid_file_anywhere_gives_a_DicomException_or_a_shorter_data_set()
    {
        byte[] body = new DicomBytes()
            .ExplicitText(0x0008, 0x0005, "CS", "ISO_IR 100")
            .ExplicitLong(0x0008, 0x1115, "SQ", 0xFFFFFFFF).Item(0xFFFFFFFF).ExplicitText(0x0020, 0x000E, "UI", "1.2\0").ItemDelimiter().SequenceDelimiter()
            .ExplicitLong(0x7FE0, 0x0010, "OB", 0xFFFFFFFF).Item(0).Item(2).Raw(1, 2).SequenceDelimiter()
            .ToArray();
        byte[] file = DicomBytes.Part10(ExplicitLE, body);
        int headerEnd = file.Length - body.Length;
        for (int length = 0; length < file.Length; length++)
        {
            byte[] cut = file[..length];
            Exception? error = Record.Exception(() => DicomFile.Parse(cut));
            if (error is not null)
            {
                Assert.IsType<DicomException>(error);
            }
            else
            {
                // Only cuts at the top-level element boundaries can parse: after the CS element (18 bytes) and after
                // the sequence (18 + 48); within the preamble and meta group, cuts read as shorter or bare data sets.
                Assert.True(length <= headerEnd || length == headerEnd + 18 || length == headerEnd + 66, $"a file cut to {length} bytes parsed without error");
            }
        }
    }
}
