using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Files;

/// <summary>
/// DicomFile.ReadAsync from a Stream and a PipeReader, and Open with StopBeforePixelData, against DicomFile.Parse of
/// the same bytes over the whole corpus; the stop point against the Pixel Data element's offset as Parse found it.
/// </summary>
public sealed class DicomStreamReadingTests(ITestOutputHelper output)
{
    private const string ExplicitLE = "1.2.840.10008.1.2.1";
    private static readonly DicomReadOptions Stop = new() { StopBeforePixelData = true };

    [Fact]
    public async Task Stream_and_pipe_reads_of_every_corpus_file_equal_Parse()
    {
        var failures = new List<string>();
        int compared = 0;
        int refusedAlike = 0;
        foreach (CorpusFile corpus in TestData.CorpusFiles)
        {
            byte[] bytes = File.ReadAllBytes(TestData.PathOf(corpus.RelativePath));
            try
            {
                DicomFile? expected = TryParse(bytes, null, out DicomException? parseError);
                (DicomFile? fromStream, DicomException? streamError) = await TryRead(() => DicomFile.ReadAsync(new MemoryStream(bytes, writable: false)));
                (DicomFile? fromPipe, DicomException? pipeError) = await TryRead(() => DicomFile.ReadAsync(SmallSegmentPipe(bytes)));
                if (expected is null)
                {
                    // Same bytes, same parser: the same error, offset and all.
                    Assert.Equal(parseError!.Message, streamError?.Message);
                    Assert.Equal(parseError.Message, pipeError?.Message);
                    refusedAlike++;
                    continue;
                }

                Assert.Null(streamError);
                Assert.Null(pipeError);
                DatasetAssert.Same(expected, fromStream!, "stream");
                DatasetAssert.Same(expected, fromPipe!, "pipe");
                compared++;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures.Add($"{corpus.RelativePath}: {ex.Message}");
            }
        }

        output.WriteLine($"{compared} files read alike from a Stream and a PipeReader, {refusedAlike} refused alike");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(compared > 300, $"only {compared} corpus files compared");
    }

    [Fact]
    public async Task Stopping_before_pixel_data_leaves_stream_and_pipe_exactly_at_the_pixel_data_tag()
    {
        var failures = new List<string>();
        int positioned = 0;
        int withoutPixelData = 0;
        foreach (CorpusFile corpus in TestData.CorpusFiles)
        {
            byte[] bytes = File.ReadAllBytes(TestData.PathOf(corpus.RelativePath));
            try
            {
                DicomFile? expected = TryParse(bytes, Stop, out DicomException? parseError);
                if (expected is null)
                {
                    (DicomFile? refused, DicomException? streamError) = await TryRead(() => DicomFile.ReadAsync(new TrickleStream(bytes, 1), Stop));
                    Assert.True(refused is null && streamError is not null, $"Parse refused it ({parseError!.Message}) but the stream reader did not");
                    continue;
                }

                // One byte per read. A seekable stream is put back at the tag; one that cannot seek has lost the 4
                // bytes that identified it, and no more.
                var trickle = new TrickleStream(bytes, 1, seekable: true);
                DicomFile fromStream = await DicomFile.ReadAsync(trickle, Stop);
                DatasetAssert.Same(expected, fromStream, "1-byte stream");
                var forwardOnly = new TrickleStream(bytes, 1);
                DatasetAssert.Same(expected, await DicomFile.ReadAsync(forwardOnly, Stop), "forward-only stream");

                PipeReader pipe = SmallSegmentPipe(bytes);
                DicomFile fromPipe = await DicomFile.ReadAsync(pipe, Stop);
                DatasetAssert.Same(expected, fromPipe, "pipe");
                byte[] rest = await ReadToEnd(pipe);

                if (expected.TransferSyntax.IsDeflated)
                {
                    continue; // PS3.5 §A.5: no input position corresponds to the inflated Pixel Data
                }

                DicomFile? whole = TryParse(bytes, null, out _);
                if (whole is null)
                {
                    // Parse cannot read the whole file (e.g. truncated pixel data): the reader stopped at the tag or read all.
                    Assert.True(trickle.Consumed == bytes.Length || TagAt(bytes.AsSpan(trickle.Consumed), expected.TransferSyntax.IsBigEndian) == DicomTag.PixelData);
                    Assert.Equal(bytes.Length - trickle.Consumed, rest.Length);
                    continue;
                }

                long? stop = PixelDataOffset(bytes);
                if (stop is null)
                {
                    Assert.Equal(bytes.Length, trickle.Consumed);
                    Assert.Equal(bytes.Length, forwardOnly.Consumed);
                    Assert.Empty(rest);
                    withoutPixelData++;
                    continue;
                }

                Assert.Equal(stop.Value, trickle.Consumed);
                Assert.Equal(stop.Value + 4, forwardOnly.Consumed);
                Assert.Equal(bytes.Length - stop.Value, rest.Length);
                Assert.True(rest.AsSpan().SequenceEqual(bytes.AsSpan((int)stop.Value)), "the pipe does not continue at the stop point");
                Assert.Equal(DicomTag.PixelData, TagAt(rest, fromPipe.TransferSyntax.IsBigEndian));
                positioned++;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures.Add($"{corpus.RelativePath}: {ex.Message}");
            }
        }

        output.WriteLine($"{positioned} files stopped exactly at (7FE0,0010), {withoutPixelData} without pixel data read to the end");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(positioned > 250, $"only {positioned} files had their stop point checked");
    }

    [Fact]
    public async Task A_pipe_fed_by_a_slow_writer_with_a_small_pause_threshold_does_not_deadlock()
    {
        // The writer blocks once 256 bytes are unconsumed: the reader must consume as it goes.
        string[] files =
        [
            "dcm4che/US-PAL-8-10x-echo", "pydicom-data/OBXXXX1A_expb_2frame.dcm", "dcm4che/DICOMDIR",
            "dicomParser/encapsulated/multi-frame/IM00001.implicit_little_endian.dcm",
        ];
        foreach (string relative in files)
        {
            byte[] bytes = File.ReadAllBytes(TestData.PathOf(relative));
            var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 256, resumeWriterThreshold: 128, minimumSegmentSize: 16));
            Task writing = Task.Run(async () =>
            {
                for (int at = 0; at < bytes.Length; at += 7)
                {
                    await pipe.Writer.WriteAsync(bytes.AsMemory(at, Math.Min(7, bytes.Length - at)));
                }

                await pipe.Writer.CompleteAsync();
            });

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            DicomFile header = await DicomFile.ReadAsync(pipe.Reader, Stop, timeout.Token);
            DatasetAssert.Same(DicomFile.Parse(bytes, Stop), header, relative);
            byte[] rest = await ReadToEnd(pipe.Reader);
            await writing;
            long? stop = PixelDataOffset(bytes);
            Assert.Equal(bytes.Length - (stop ?? bytes.Length), rest.Length);
        }
    }

    [Fact]
    public async Task Nested_undefined_length_sequences_icon_pixel_data_and_UN_do_not_stop_the_scan()
    {
        // An icon's encapsulated Pixel Data inside an undefined-length item, an undefined-length UN (Implicit VR
        // inside, PS3.5 §6.2.2) holding an implicit Pixel Data tag, then the top-level Pixel Data.
        byte[] body = new DicomBytes()
            .Explicit(0x0028, 0x0010, "US", [0x02, 0x00])
            .ExplicitLong(0x0088, 0x0200, "SQ", 0xFFFFFFFF)
            .Item(0xFFFFFFFF)
            .ExplicitLong(0x7FE0, 0x0010, "OB", 0xFFFFFFFF).Item(0).Item(4).Raw(1, 2, 3, 4).SequenceDelimiter()
            .ItemDelimiter()
            .SequenceDelimiter()
            .ExplicitLong(0x0099, 0x1010, "UN", 0xFFFFFFFF)
            .Item(0xFFFFFFFF).Implicit(0x7FE0, 0x0010, [9, 9]).ItemDelimiter()
            .Item(10).Implicit(0x0008, 0x0060, "CT"u8.ToArray())
            .SequenceDelimiter()
            .ExplicitLong(0x7FE0, 0x0010, "OW", 4).Raw(5, 6, 7, 8)
            .ToArray();
        byte[] file = DicomBytes.Part10(ExplicitLE, body);
        int expectedStop = file.Length - 16;

        var trickle = new TrickleStream(file, 1, seekable: true);
        DicomFile header = await DicomFile.ReadAsync(trickle, Stop);
        var forwardOnly = new TrickleStream(file, 1);
        await DicomFile.ReadAsync(forwardOnly, Stop);

        Assert.Equal(expectedStop, trickle.Consumed);
        Assert.Equal(expectedStop + 4, forwardOnly.Consumed); // the tag's 4 bytes, which identified it
        Assert.True(header.Dataset.Contains(new DicomTag(0x0088, 0x0200)));
        Assert.True(header.Dataset.Contains(new DicomTag(0x0099, 0x1010)));
        Assert.False(header.Dataset.Contains(DicomTag.PixelData));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Big_endian_and_implicit_bare_data_sets_stop_at_the_tag_in_their_own_byte_order(bool bigEndian)
    {
        byte[] body = bigEndian
            ? new DicomBytes(bigEndian: true)
                .ExplicitText(0x0008, 0x0060, "CS", "MR")
                .ExplicitLong(0x0008, 0x1115, "SQ", 0xFFFFFFFF).Item(0xFFFFFFFF).ExplicitText(0x0020, 0x000E, "UI", "1.2\0").ItemDelimiter().SequenceDelimiter()
                .ToArray()
            : new DicomBytes()
                .Implicit(0x0008, 0x0060, "MR"u8.ToArray())
                .Tag(0x0008, 0x1115).U32(0xFFFFFFFF).Item(0xFFFFFFFF).Implicit(0x0020, 0x000E, "1.2\0"u8.ToArray()).ItemDelimiter().SequenceDelimiter()
                .ToArray();
        // Pixel data well past byte 132, so that the preamble check does not read beyond it.
        var builder = new DicomBytes(bigEndian);
        builder.Raw(body);
        builder = bigEndian
            ? builder.ExplicitText(0x0010, 0x0010, "PN", new string('A', 120)).ExplicitLong(0x7FE0, 0x0010, "OW", 8).Raw(new byte[8])
            : builder.Implicit(0x0010, 0x0010, new byte[120]).Implicit(0x7FE0, 0x0010, new byte[8]);
        byte[] data = builder.ToArray();

        var trickle = new TrickleStream(data, 3, seekable: true);
        DicomFile header = await DicomFile.ReadAsync(trickle, Stop);

        Assert.True(header.IsTransferSyntaxInferred);
        Assert.Equal(bigEndian, header.TransferSyntax.IsBigEndian);
        Assert.Equal(data.Length - (bigEndian ? 20 : 16), trickle.Consumed);
        Assert.Equal(DicomTag.PixelData, TagAt(data.AsSpan(trickle.Consumed), bigEndian));
        Assert.Equal(3, header.Dataset.Count);
    }

    [Fact]
    public async Task A_truncated_stream_is_a_DicomException_naming_tag_and_offset()
    {
        string relative = "pydicom-data/OBXXXX1A_expb_2frame.dcm";
        byte[] bytes = File.ReadAllBytes(TestData.PathOf(relative));
        long pixelData = PixelDataOffset(bytes)!.Value;

        // Cut inside a value in the header: both modes fail where Parse would, with its offset and tag.
        DicomElement victim = DicomFile.Parse(bytes, Stop).Dataset.First(e => e.Length >= 8 && e is not DicomSequence);
        byte[] cutHeader = bytes[..(int)(victim.Offset + 14)];
        var parseError = Assert.Throws<DicomException>(() => DicomFile.Parse(cutHeader, Stop));
        var stopError = await Assert.ThrowsAsync<DicomException>(() => DicomFile.ReadAsync(new TrickleStream(cutHeader, 5), Stop).AsTask());
        var fullError = await Assert.ThrowsAsync<DicomException>(() => DicomFile.ReadAsync(new TrickleStream(cutHeader, 5)).AsTask());
        Assert.Equal(parseError.Message, stopError.Message);
        Assert.Equal(parseError.Message, fullError.Message);
        Assert.Equal(victim.Offset, stopError.Offset);
        Assert.Equal(victim.Tag, stopError.Tag);
        Assert.Contains($"offset {victim.Offset}", stopError.Message, StringComparison.Ordinal);

        // Cut inside the pixel data: reading it all fails at the Pixel Data element; stopping before it does not.
        byte[] cutPixels = bytes[..(int)(pixelData + 1000)];
        var pixelError = await Assert.ThrowsAsync<DicomException>(() => DicomFile.ReadAsync(SmallSegmentPipe(cutPixels)).AsTask());
        Assert.Equal(DicomTag.PixelData, pixelError.Tag);
        Assert.Equal(pixelData, pixelError.Offset);
        DicomFile header = await DicomFile.ReadAsync(new TrickleStream(cutPixels, 5), Stop);
        Assert.False(header.Dataset.Contains(DicomTag.PixelData));
    }

    [Theory]
    [InlineData(0xFFFFFFF0u)]
    [InlineData(0x7FFFF000u)]
    public async Task A_huge_declared_length_on_a_short_stream_allocates_by_what_arrived(uint declared)
    {
        byte[] body = new DicomBytes()
            .ExplicitText(0x0010, 0x0010, "PN", "Short^Stream")
            .ExplicitLong(0x0009, 0x1010, "OB", declared).Raw(new byte[1000])
            .ToArray();
        byte[] file = DicomBytes.Part10(ExplicitLE, body);
        await Assert.ThrowsAsync<DicomException>(() => DicomFile.ReadAsync(new MemoryStream(file), Stop).AsTask()); // warm-up (JIT)

        foreach (DicomReadOptions options in new[] { Stop, DicomReadOptions.Default })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            // Reads complete synchronously (MemoryStream), so everything is allocated on this thread.
            DicomException error = await Assert.ThrowsAsync<DicomException>(() => DicomFile.ReadAsync(new MemoryStream(file), options).AsTask());
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            output.WriteLine($"declared {declared:X8}, stop={options.StopBeforePixelData}: {allocated} bytes allocated; {error.Message}");
            Assert.True(allocated < 256 * 1024, $"{allocated} bytes allocated for a {file.Length}-byte stream");
            Assert.Equal(new DicomTag(0x0009, 0x1010), error.Tag);
            Assert.Equal(file.Length - 1000 - 12, error.Offset);
        }
    }

    [Fact]
    public async Task Input_longer_than_MaxFileLength_is_refused()
    {
        byte[] file = File.ReadAllBytes(TestData.PathOf("pydicom-data/OBXXXX1A_expb_2frame.dcm"));
        var limited = new DicomReadOptions { MaxFileLength = 10_000 };
        var error = await Assert.ThrowsAsync<DicomException>(() => DicomFile.ReadAsync(new MemoryStream(file), limited).AsTask());
        Assert.Contains("MaxFileLength", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DicomException>(() => DicomFile.ReadAsync(SmallSegmentPipe(file), limited).AsTask());

        // The header alone fits: stopping before the pixel data is within the limit.
        DicomFile header = await DicomFile.ReadAsync(SmallSegmentPipe(file), limited with { StopBeforePixelData = true });
        Assert.True(header.Dataset.Count > 10);
    }

    [Fact]
    public void Open_with_StopBeforePixelData_reads_the_header_not_the_file()
    {
        // The corpus's largest file with pixel data; reading it whole would allocate its 4 MB.
        string path = TestData.PathOf("pylibjpeg-data/JPEG2000Lossless/966.dcm");
        long length = new FileInfo(path).Length;
        DicomFile.Open(path, Stop); // warm-up

        long before = GC.GetAllocatedBytesForCurrentThread();
        DicomFile header = DicomFile.Open(path, Stop);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"Open with StopBeforePixelData: {allocated} bytes allocated for a {length}-byte file");
        Assert.True(allocated < length / 20, $"{allocated} bytes allocated for a {length}-byte file");
        DatasetAssert.Same(DicomFile.Parse(File.ReadAllBytes(path), Stop), header, "Open");
        DatasetAssert.Same(DicomFile.Parse(File.ReadAllBytes(path)), DicomFile.Open(path), "Open whole");
    }

    [Fact]
    public async Task A_deflated_data_set_is_inflated_only_until_its_headers_reach_pixel_data()
    {
        // Random pixel data does not compress: the deflate stream is about as long as the file.
        byte[] noise = new byte[2_000_000];
        new Random(7).NextBytes(noise);
        DicomDataset dataset = new DicomDatasetBuilder()
            .Add("SOPClassUID", "1.2.840.10008.5.1.4.1.1.7")
            .Add("PatientName", "Deflated^Header")
            .AddBinary(DicomTag.PixelData, Telemed.Dicom.ValueRepresentations.DicomVR.OB, noise)
            .Build();
        using var written = new MemoryStream();
        DicomFile.Create(dataset, DicomTransferSyntax.DeflatedExplicitVRLittleEndian).Write(written);
        byte[] file = written.ToArray();

        var stream = new TrickleStream(file, 4096);
        DicomFile header = await DicomFile.ReadAsync(stream, Stop);
        DicomFile fromPipe = await DicomFile.ReadAsync(SmallSegmentPipe(file), Stop);

        output.WriteLine($"deflated header read took {stream.Consumed} of {file.Length} bytes");
        Assert.True(stream.Consumed < file.Length / 10, $"{stream.Consumed} of {file.Length} bytes read for the header");
        DatasetAssert.Same(DicomFile.Parse(file, Stop), header, "stream");
        DatasetAssert.Same(DicomFile.Parse(file, Stop), fromPipe, "pipe");
        Assert.Equal("Deflated^Header", header.Dataset.GetString(new DicomTag(0x0010, 0x0010)));
    }

    [Fact]
    public async Task A_pipe_stops_exactly_even_when_pixel_data_starts_inside_the_first_132_bytes()
    {
        // A bare data set this short could have been a preamble: the pipe examines past the tag but consumes up to it.
        byte[] data = new DicomBytes().Implicit(0x0008, 0x0060, "CT"u8.ToArray()).Implicit(0x7FE0, 0x0010, new byte[200]).ToArray();
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(data);
        await pipe.Writer.CompleteAsync();

        DicomFile header = await DicomFile.ReadAsync(pipe.Reader, Stop);

        Assert.Single(header.Dataset);
        byte[] rest = await ReadToEnd(pipe.Reader);
        Assert.Equal(data.Length - 10, rest.Length);
        Assert.Equal(DicomTag.PixelData, TagAt(rest, bigEndian: false));
    }

    [Fact]
    public async Task A_seekable_stream_is_put_back_when_pixel_data_starts_inside_the_first_132_bytes()
    {
        byte[] data = new DicomBytes().Implicit(0x0008, 0x0060, "CT"u8.ToArray()).Implicit(0x7FE0, 0x0010, new byte[200]).ToArray();
        using var stream = new MemoryStream(data);
        await DicomFile.ReadAsync(stream, Stop);
        Assert.Equal(10, stream.Position);
    }

    [Theory]
    [InlineData("pydicom/test_files/CT_small.dcm")]
    [InlineData("pydicom/test_files/MR_small_bigendian.dcm")]
    [InlineData("pydicom/test_files/rtplan.dcm")]
    [InlineData("pydicom/test_files/JPEG2000.dcm")]
    [InlineData("pydicom/test_files/image_dfl.dcm")]
    [InlineData("dcm4che/DICOMDIR")]
    [InlineData("pydicom/test_files/nested_priv_SQ.dcm")]
    public async Task Corrupted_files_read_from_a_stream_or_pipe_as_Parse_reads_them_or_throw_DicomException(string relativePath)
    {
        byte[] original = File.ReadAllBytes(TestData.PathOf(relativePath));
        var random = new Random(relativePath.Length + 1); // deterministic per file
        int same = 0;
        for (int round = 0; round < 300; round++)
        {
            byte[] data = (byte[])original.Clone();
            int at = random.Next(0, data.Length);
            switch (round % 3)
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    uint value = random.Next(3) switch { 0 => 0xFFFFFFFF, 1 => 0x7FFFFFFF, _ => (uint)random.Next() };
                    BitConverter.TryWriteBytes(data.AsSpan(Math.Min(at, data.Length - 4)), value);
                    break;
                default:
                    data = data[..at];
                    break;
            }

            foreach (DicomReadOptions options in new[] { Stop, DicomReadOptions.Default })
            {
                DicomFile? expected = TryParse(data, options, out _);
                foreach (Func<ValueTask<DicomFile>> read in new Func<ValueTask<DicomFile>>[]
                {
                    () => DicomFile.ReadAsync(new TrickleStream(data, 7, seekable: true), options),
                    () => DicomFile.ReadAsync(SmallSegmentPipe(data), options),
                })
                {
                    Exception? error = null;
                    DicomFile? actual = null;
                    try
                    {
                        actual = await read();
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        error = ex;
                    }

                    string where = $"{relativePath}, round {round}, stop={options.StopBeforePixelData}";
                    Assert.True(error is null or DicomException, $"{where}: {error?.GetType().Name}: {error?.Message}");
                    if (expected is not null)
                    {
                        // Reading less than Parse never fails where Parse succeeds, and reads the same.
                        Assert.True(actual is not null, $"{where}: Parse read it, the reader threw {error?.Message}");
                        DatasetAssert.Same(expected, actual, where);
                        same++;
                    }
                    else if (!options.StopBeforePixelData)
                    {
                        Assert.True(error is not null, $"{where}: Parse refused it, the reader did not");
                    }
                }
            }
        }

        Assert.True(same > 0, $"{relativePath}: no corrupted variant was read at all");
    }

    private static DicomFile? TryParse(byte[] bytes, DicomReadOptions? options, out DicomException? error)
    {
        error = null;
        try
        {
            return DicomFile.Parse(bytes, options);
        }
        catch (DicomException ex)
        {
            error = ex;
            return null;
        }
    }

    private static async Task<(DicomFile? File, DicomException? Error)> TryRead(Func<ValueTask<DicomFile>> read)
    {
        try
        {
            return (await read(), null);
        }
        catch (DicomException ex)
        {
            return (null, ex);
        }
    }

    /// <summary>A PipeReader over the bytes in 512-byte segments, so element headers straddle segment boundaries.</summary>
    private static PipeReader SmallSegmentPipe(byte[] bytes) =>
        PipeReader.Create(new TrickleStream(bytes, 509), new StreamPipeReaderOptions(bufferSize: 512, minimumReadSize: 128));

    private static async Task<byte[]> ReadToEnd(PipeReader reader)
    {
        var rest = new List<byte>();
        while (true)
        {
            ReadResult result = await reader.ReadAsync();
            rest.AddRange(result.Buffer.ToArray());
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync();
                return [.. rest];
            }
        }
    }

    /// <summary>Where Parse of the whole file found the top-level Pixel Data header, or null when there is none.</summary>
    private static long? PixelDataOffset(byte[] bytes)
    {
        DicomFile file = DicomFile.Parse(bytes);
        return file.Dataset.TryGetElement(DicomTag.PixelData, out DicomElement? pixels) ? pixels.Offset : null;
    }

    private static DicomTag TagAt(ReadOnlySpan<byte> bytes, bool bigEndian) => bigEndian
        ? new DicomTag(BinaryPrimitives.ReadUInt16BigEndian(bytes), BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]))
        : new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(bytes), BinaryPrimitives.ReadUInt16LittleEndian(bytes[2..]));
}
