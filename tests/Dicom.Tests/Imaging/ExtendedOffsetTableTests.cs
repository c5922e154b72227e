using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>
/// Extended Offset Table (7FE0,0001) and Extended Offset Table Lengths (7FE0,0002), PS3.3 C.7.6.3.1.8: multi-frame
/// corpus files re-wrapped with one, frames found through it against frames found as the original file has them,
/// DCMTK reading what we write, and tables that do not fit their fragments.
/// </summary>
public sealed class ExtendedOffsetTableTests(ITestOutputHelper output)
{
    private static readonly DicomTag OffsetsTag = new(0x7FE0, 0x0001);
    private static readonly DicomTag LengthsTag = new(0x7FE0, 0x0002);
    private static readonly DicomTag NumberOfFrames = new(0x0028, 0x0008);

    /// <summary>Multi-frame encapsulated corpus files we decode: RLE, JPEG baseline and lossless, some with frames in several fragments.</summary>
    public static TheoryData<string, int> MultiFrameFiles() => new()
    {
        { "pydicom-data/emri_small_RLE.dcm", int.MaxValue - 1 },
        { "pydicom-data/emri_small_RLE.dcm", 1000 },
        { "dcm4che/US-PAL-8-10x-echo", int.MaxValue - 1 },
        { "pydicom-data/OBXXXX1A_rle_2frame.dcm", 4096 },
        { "dicomParser/encapsulated/multi-frame/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm", int.MaxValue - 1 },
        { "dicomParser/encapsulated/multi-frame/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm", 3000 },
        { "dicomParser/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm", 2048 },
    };

    [Fact]
    public void The_dictionary_knows_both_tables_as_OV()
    {
        Assert.True(DicomDictionary.TryGetEntry(OffsetsTag, out DicomDictionaryEntry offsets));
        Assert.Equal("ExtendedOffsetTable", offsets.Keyword);
        Assert.Same(DicomVR.OV, offsets.VR);
        Assert.True(DicomDictionary.TryGetEntry(LengthsTag, out DicomDictionaryEntry lengths));
        Assert.Equal("ExtendedOffsetTableLengths", lengths.Keyword);
        Assert.Same(DicomVR.OV, lengths.VR);
        Assert.Same(DicomVR.OV, DicomDictionary.ImplicitVR(OffsetsTag));
    }

    [Theory]
    [MemberData(nameof(MultiFrameFiles))]
    public void Frames_found_through_the_extended_table_decode_as_in_the_original(string relativePath, int maxFragmentLength)
    {
        DicomFile original = DicomFile.Open(TestData.PathOf(relativePath));
        PixelData originalPixels = PixelData.FromFile(original);
        List<ReadOnlyMemory<byte>> frames = EncodedFrames(original);

        DicomFile extended = Rewrap(original, frames, FrameOffsetTable.Extended, maxFragmentLength);
        DicomFile basic = Rewrap(original, frames, FrameOffsetTable.Basic, maxFragmentLength);

        var pixels = Assert.IsType<DicomFragmentSequence>(extended.Dataset[DicomTag.PixelData]);
        Assert.True(pixels.BasicOffsetTable.IsEmpty, "PS3.5 §A.4: the Basic Offset Table is empty beside an Extended Offset Table");
        Assert.Same(DicomVR.OV, extended.Dataset[OffsetsTag].VR);
        Assert.Equal(frames.Count * 8, extended.Dataset[LengthsTag].Length);
        Assert.False(basic.Dataset.Contains(OffsetsTag));
        Assert.Equal(frames.Count * 4, Assert.IsType<DicomFragmentSequence>(basic.Dataset[DicomTag.PixelData]).BasicOffsetTable.Length);
        if (maxFragmentLength < int.MaxValue - 1)
        {
            Assert.True(pixels.Fragments.Count > frames.Count, "some frames span several fragments");
        }

        PixelData viaExtended = PixelData.FromFile(extended);
        PixelData viaBasic = PixelData.FromFile(basic);
        for (int i = 0; i < originalPixels.FrameCount; i++)
        {
            ReadOnlySpan<byte> expected = originalPixels.GetFrame(i).Span;
            Assert.True(expected.SequenceEqual(viaExtended.GetFrame(i).Span), $"frame {i + 1} through the Extended Offset Table");
            Assert.True(expected.SequenceEqual(viaBasic.GetFrame(i).Span), $"frame {i + 1} through the Basic Offset Table");
        }

        output.WriteLine($"{relativePath}: {frames.Count} frames in {pixels.Fragments.Count} fragments decode alike");
    }

    [Theory]
    [InlineData("pydicom-data/emri_small_RLE.dcm")]
    [InlineData("dicomParser/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_lossless.57.dcm")]
    public void DCMTK_reads_the_tables_we_write(string relativePath)
    {
        DicomFile original = DicomFile.Open(TestData.PathOf(relativePath));
        List<ReadOnlyMemory<byte>> frames = EncodedFrames(original);
        DicomFile extended = Rewrap(original, frames, FrameOffsetTable.Extended, 1000);
        using var file = new Dcmtk.TempFile();
        extended.Save(file.Path);

        string listing = Dcmdump(file.Path);
        ulong[] offsets = DcmdumpValues(listing, "(7fe0,0001) OV ");
        ulong[] lengths = DcmdumpValues(listing, "(7fe0,0002) OV ");

        Assert.Equal(Values(extended.Dataset[OffsetsTag]), offsets);
        Assert.Equal(Values(extended.Dataset[LengthsTag]), lengths);
        Assert.Equal(frames.Count, offsets.Length);
        // The fragment items DCMTK lists sit at the offsets (each item: 8 header bytes + its length).
        var pixels = (DicomFragmentSequence)extended.Dataset[DicomTag.PixelData];
        var starts = new List<ulong>();
        ulong position = 0;
        foreach (ReadOnlyMemory<byte> fragment in pixels.Fragments)
        {
            starts.Add(position);
            position += 8 + (ulong)fragment.Length;
        }

        Assert.All(offsets, o => Assert.Contains(o, starts));

        // The tables come before Pixel Data: a header-only read has them.
        DicomFile header = DicomFile.Open(file.Path, new DicomReadOptions { StopBeforePixelData = true });
        Assert.Equal(offsets, Values(header.Dataset[OffsetsTag]));
        Assert.False(header.Dataset.Contains(DicomTag.PixelData));
        output.WriteLine($"dcmdump: offsets {string.Join('\\', offsets)}; lengths {string.Join('\\', lengths)}");
    }

    [Fact]
    public void RLE_frames_found_through_the_extended_table_equal_dcmdrle_output()
    {
        DicomFile original = DicomFile.Open(TestData.PathOf("dcm4che/US-PAL-8-10x-echo"));
        DicomFile extended = Rewrap(original, EncodedFrames(original), FrameOffsetTable.Extended, int.MaxValue - 1);
        using var written = new Dcmtk.TempFile();
        using var decompressed = new Dcmtk.TempFile();
        extended.Save(written.Path);
        Dcmtk.Run("dcmdrle", written.Path, decompressed.Path);

        PixelData ours = PixelData.FromFile(DicomFile.Open(written.Path));
        PixelData theirs = PixelData.FromFile(DicomFile.Open(decompressed.Path));
        Assert.Equal(theirs.FrameCount, ours.FrameCount);
        for (int i = 0; i < ours.FrameCount; i++)
        {
            Assert.True(theirs.GetFrame(i).Span.SequenceEqual(ours.GetFrame(i).Span), $"frame {i + 1}");
        }
    }

    [Fact]
    public void Frames_come_back_with_the_length_the_table_declares()
    {
        // Odd frames are stored padded; a writer that declares the unpadded length gets exactly that many bytes back.
        byte[][] frames = [[1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15, 16, 17, 18, 19, 20]];
        DicomFile file = Synthetic(frames, maxFragmentLength: 4);
        var pixels = (DicomFragmentSequence)file.Dataset[DicomTag.PixelData];
        Assert.Equal(2 + 1 + 3, pixels.Fragments.Count);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 0 }, Frame(file, 0));
        Assert.Equal(frames[1], Frame(file, 1));

        DicomFile unpadded = WithTable(file, LengthsTag, 7, 4, 9);
        Assert.Equal(frames[0], Frame(unpadded, 0));
        Assert.Equal(frames[2], Frame(unpadded, 2));
    }

    [Theory]
    [InlineData(0x7FE00001u, new ulong[] { 0, 5, 20 }, "offset 5 of frame 2 is not the start of a fragment item")]
    [InlineData(0x7FE00001u, new ulong[] { 0, 24, 9999 }, "offset 9999 of frame 3 is not the start of a fragment item")]
    [InlineData(0x7FE00001u, new ulong[] { 0, 16 }, "does not hold one 64-bit offset for each of the 3 frames")]
    [InlineData(0x7FE00001u, new ulong[] { 16, 0, 32 }, "does not come after offset 16")]
    [InlineData(0x7FE00002u, new ulong[] { 8, 1000, 10 }, "length 1000 of frame 2 does not fit its 1 fragment(s) of 4 bytes")]
    [InlineData(0x7FE00002u, new ulong[] { 2, 4, 10 }, "length 2 of frame 1 does not fit its 2 fragment(s) of 8 bytes")]
    [InlineData(0x7FE00002u, new ulong[] { 8, 4 }, "does not hold one 64-bit length for each of the 3 frames")]
    public void A_table_that_does_not_fit_the_fragments_names_its_tag_and_offset(uint tag, ulong[] values, string problem)
    {
        byte[][] frames = [[1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15, 16, 17, 18, 19, 20]];
        DicomFile file = WithTable(Synthetic(frames, maxFragmentLength: 4), new DicomTag(tag), values);
        DicomElement table = file.Dataset[new DicomTag(tag)];

        var errors = Enumerable.Range(0, 3).Select(i => Record.Exception(() => Frame(file, i))).OfType<DicomException>().ToList();

        Assert.Contains(errors, e => e.Message.Contains(problem, StringComparison.Ordinal));
        DicomException error = errors.First(e => e.Message.Contains(problem, StringComparison.Ordinal));
        Assert.Equal(new DicomTag(tag), error.Tag);
        Assert.Equal(table.Offset, error.Offset);
        Assert.True(table.Offset > 0);
    }

    [Fact]
    public void Fragments_are_written_only_in_an_encapsulated_transfer_syntax()
    {
        DicomDataset dataset = new DicomDatasetBuilder()
            .Add("SOPClassUID", "1.2.840.10008.5.1.4.1.1.7")
            .AddEncapsulatedPixelData([new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 }], FrameOffsetTable.Extended)
            .Build();
        Assert.Throws<DicomException>(() => DicomFile.Create(dataset, DicomTransferSyntax.ExplicitVRLittleEndian));
        Assert.True(DicomFile.Create(dataset, DicomTransferSyntax.FromUid("1.2.840.10008.1.2.4.50")).TransferSyntax.IsEncapsulated);
    }

    /// <summary>Each frame's encoded bytes as the original file stores them (found by its own offset table or fragments).</summary>
    private static List<ReadOnlyMemory<byte>> EncodedFrames(DicomFile file)
    {
        var pixels = (DicomFragmentSequence)file.Dataset[DicomTag.PixelData];
        int count = PixelData.FromFile(file).FrameCount;
        return [.. Enumerable.Range(0, count).Select(i => EncapsulatedFrames.Get(file.Dataset, pixels, i, count, out _).ToArray().AsMemory())];
    }

    /// <summary>The file's data set with its pixel data re-encapsulated, written and read back.</summary>
    private static DicomFile Rewrap(DicomFile original, IReadOnlyList<ReadOnlyMemory<byte>> frames, FrameOffsetTable table, int maxFragmentLength)
    {
        var builder = new DicomDatasetBuilder();
        foreach (DicomElement element in original.Dataset.Where(e => e.Tag != DicomTag.PixelData && e.Tag != OffsetsTag && e.Tag != LengthsTag))
        {
            builder.AddElement(element);
        }

        builder.AddEncapsulatedPixelData(frames, table, maxFragmentLength);
        return WriteAndRead(DicomFile.Create(builder.Build(), original.TransferSyntax));
    }

    private static DicomFile Synthetic(byte[][] frames, int maxFragmentLength)
    {
        var builder = new DicomDatasetBuilder()
            .Add("SOPClassUID", "1.2.840.10008.5.1.4.1.1.7")
            .Add("SOPInstanceUID", "2.25.1234")
            .AddInteger("NumberOfFrames", frames.Length)
            .AddEncapsulatedPixelData([.. frames.Select(f => (ReadOnlyMemory<byte>)f)], FrameOffsetTable.Extended, maxFragmentLength);
        return WriteAndRead(DicomFile.Create(builder.Build(), DicomTransferSyntax.FromUid("1.2.840.10008.1.2.4.50")));
    }

    /// <summary>The file with one table's values replaced (as another writer might have made them).</summary>
    private static DicomFile WithTable(DicomFile file, DicomTag tag, params ulong[] values)
    {
        byte[] bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        var builder = new DicomDatasetBuilder();
        foreach (DicomElement element in file.Dataset)
        {
            builder.AddElement(element);
        }

        builder.AddBinary(tag, DicomVR.OV, bytes);
        return WriteAndRead(DicomFile.Create(builder.Build(), file.TransferSyntax));
    }

    private static DicomFile WriteAndRead(DicomFile file)
    {
        using var stream = new MemoryStream();
        file.Write(stream);
        return DicomFile.Parse(stream.ToArray());
    }

    private static byte[] Frame(DicomFile file, int index)
    {
        int count = file.Dataset.GetInt32(NumberOfFrames);
        return EncapsulatedFrames.Get(file.Dataset, (DicomFragmentSequence)file.Dataset[DicomTag.PixelData], index, count, out _).ToArray();
    }

    private static ulong[] Values(DicomElement element)
    {
        ReadOnlySpan<byte> bytes = element.Value.Span;
        return [.. Enumerable.Range(0, bytes.Length / 8).Select(i => BinaryPrimitives.ReadUInt64LittleEndian(element.Value.Span[(i * 8)..]))];
    }

    private static string Dcmdump(string path)
    {
        var start = new ProcessStartInfo("dcmdump") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "-q", "+L", path })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string listing = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dcmdump failed: {errors}");
        return listing;
    }

    /// <summary>The backslash-separated numbers dcmdump prints for an element, e.g. "(7fe0,0001) OV 0\1016\2032  # ...".</summary>
    private static ulong[] DcmdumpValues(string listing, string prefix)
    {
        string line = listing.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        string value = line[prefix.Length..].Split('#')[0].Trim();
        return [.. value.Split('\\').Select(v => ulong.Parse(v, CultureInfo.InvariantCulture))];
    }
}
