using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Telemed.DeviceGateway.EcgStreams.Authentication;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.Storage.Blobs;

namespace Telemed.DeviceGateway.EcgStreams.Segments;

/// <summary>
/// The durable form of a streamed recording: a folder per recording with recording.json (HELLO metadata),
/// samples.seg (append-only blocks, one per SAMPLES frame) and, once BYE is handled, finished.json.
/// <para>
/// Block layout (little-endian): sequence u32, first sample i64, frame count u16, lead count u16, the interleaved
/// int16 samples, then CRC-32 of everything before it. Opening scans the blocks and truncates the file at the first
/// block that is torn, out of order or fails its CRC (a crash mid-append), so the recording resumes from the last
/// whole block. Appends are plain writes; <see cref="Flush"/> is the fsync after which they may be acknowledged.
/// </para>
/// </summary>
internal sealed class EcgSegment : IDisposable
{
    public const string MetadataFileName = "recording.json";
    public const string SamplesFileName = "samples.seg";
    public const string FinishedFileName = "finished.json";

    /// <summary>Sequence (4), first sample (8), frame count (2), lead count (2).</summary>
    public const int BlockHeaderLength = 16;

    public const int BlockTrailerLength = 4;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly SafeFileHandle _samples;
    private readonly byte[] _block;
    private long _length;
    private bool _dirty;

    private EcgSegment(string directory, EcgSegmentMetadata metadata, SafeFileHandle samples, EcgSegmentFinish? finish)
    {
        Directory = directory;
        Metadata = metadata;
        _samples = samples;
        Finish = finish;
        _block = new byte[BlockHeaderLength + EcgStreamLimits.MaxPayloadLength + BlockTrailerLength];
    }

    public string Directory { get; }

    public EcgSegmentMetadata Metadata { get; }

    public int LeadCount => Metadata.Leads.Count;

    /// <summary>Sequence number of the last durable block; 0 before the first.</summary>
    public uint LastSequence { get; private set; }

    /// <summary>Frames (samples per lead) held.</summary>
    public long SampleCount { get; private set; }

    /// <summary>Bytes cut off a torn tail when the segment was opened.</summary>
    public long RepairedBytes { get; private set; }

    public EcgSegmentFinish? Finish { get; private set; }

    public string SamplesPath => Path.Combine(Directory, SamplesFileName);

    /// <summary>The folder of a recording under <paramref name="root"/>.</summary>
    public static string DirectoryOf(string root, Guid recordingId) => Path.Combine(root, recordingId.ToString("N"));

    /// <summary>
    /// Opens the recording's segment, repairing a torn tail, or creates it durably when it is new. Throws
    /// <see cref="EcgStreamProtocolException"/> (RecordingMismatch) when the folder holds another recording's metadata.
    /// </summary>
    public static EcgSegment OpenOrCreate(string root, EcgStreamHello hello, EcgDevice device)
    {
        string directory = DirectoryOf(root, hello.RecordingId);
        string metadataPath = Path.Combine(directory, MetadataFileName);
        EcgSegmentMetadata metadata;
        if (File.Exists(metadataPath))
        {
            metadata = JsonSerializer.Deserialize<EcgSegmentMetadata>(File.ReadAllBytes(metadataPath), Json)
                ?? throw new InvalidDataException($"{metadataPath} is empty");
            if (!metadata.Describes(hello, device))
            {
                throw new EcgStreamProtocolException(EcgStreamErrorCode.RecordingMismatch,
                    $"recording {hello.RecordingId} exists with other metadata (device {metadata.DeviceId}, {metadata.SamplingRateHz} Hz, {metadata.Leads.Count} leads)");
            }
        }
        else
        {
            // A folder without metadata is a creation that crashed before its metadata was durable: nothing in it was acknowledged.
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }

            metadata = EcgSegmentMetadata.From(hello, device);
            System.IO.Directory.CreateDirectory(directory);
            using (File.Create(Path.Combine(directory, SamplesFileName)))
            {
            }

            WriteDurably(metadataPath, JsonSerializer.SerializeToUtf8Bytes(metadata, Json));
            DirectorySync.Flush(root);
        }

        EcgSegmentFinish? finish = null;
        string finishedPath = Path.Combine(directory, FinishedFileName);
        if (File.Exists(finishedPath))
        {
            finish = JsonSerializer.Deserialize<EcgSegmentFinish>(File.ReadAllBytes(finishedPath), Json);
        }

        var handle = File.OpenHandle(Path.Combine(directory, SamplesFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var segment = new EcgSegment(directory, metadata, handle, finish);
        try
        {
            segment.Recover();
        }
        catch
        {
            segment.Dispose();
            throw;
        }

        return segment;
    }

    /// <summary>Appends one block (not yet durable: call <see cref="Flush"/> before acknowledging it).</summary>
    public void Append(uint sequence, long firstSample, ReadOnlySpan<short> interleaved)
    {
        int frames = interleaved.Length / LeadCount;
        if (sequence != LastSequence + 1 || firstSample != SampleCount || frames == 0 || frames * LeadCount != interleaved.Length)
        {
            throw new InvalidOperationException($"block {sequence} at sample {firstSample} does not follow block {LastSequence} ending at {SampleCount}");
        }

        int dataBytes = interleaved.Length * 2;
        Span<byte> block = _block.AsSpan(0, BlockHeaderLength + dataBytes + BlockTrailerLength);
        BinaryPrimitives.WriteUInt32LittleEndian(block, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(block[4..], firstSample);
        BinaryPrimitives.WriteUInt16LittleEndian(block[12..], (ushort)frames);
        BinaryPrimitives.WriteUInt16LittleEndian(block[14..], (ushort)LeadCount);
        Span<short> samples = MemoryMarshal.Cast<byte, short>(block.Slice(BlockHeaderLength, dataBytes));
        if (BitConverter.IsLittleEndian)
        {
            interleaved.CopyTo(samples);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(interleaved, samples);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(block[^BlockTrailerLength..], Crc32.HashToUInt32(block[..^BlockTrailerLength]));
        RandomAccess.Write(_samples, block, _length);
        _length += block.Length;
        LastSequence = sequence;
        SampleCount += frames;
        _dirty = true;
    }

    /// <summary>fsync of the samples file; only after it may the blocks appended so far be acknowledged.</summary>
    public void Flush()
    {
        if (_dirty)
        {
            RandomAccess.FlushToDisk(_samples);
            _dirty = false;
        }
    }

    public bool HasUnflushedBlocks => _dirty;

    /// <summary>Reads the durable blocks in order; <paramref name="onBlock"/> gets (first sample, interleaved samples).</summary>
    public void ReadBlocks(BlockVisitor onBlock)
    {
        ArgumentNullException.ThrowIfNull(onBlock);
        Scan(_length, onBlock);
    }

    /// <summary>The samples as one array per lead (ADC units), for finalising the recording.</summary>
    public int[][] ReadLeads()
    {
        int leads = LeadCount;
        var result = new int[leads][];
        for (int l = 0; l < leads; l++)
        {
            result[l] = new int[checked((int)SampleCount)];
        }

        ReadBlocks((first, samples) =>
        {
            int frames = samples.Length / leads;
            for (int f = 0; f < frames; f++)
            {
                for (int l = 0; l < leads; l++)
                {
                    result[l][first + f] = samples[(f * leads) + l];
                }
            }
        });
        return result;
    }

    /// <summary>Records durably that the recording is finished and stored; a later BYE gets the same answer.</summary>
    public void MarkFinished(EcgSegmentFinish finish)
    {
        Flush();
        WriteDurably(Path.Combine(Directory, FinishedFileName), JsonSerializer.SerializeToUtf8Bytes(finish, Json));
        Finish = finish;
    }

    public void Dispose()
    {
        if (!_samples.IsClosed)
        {
            try
            {
                Flush();
            }
            finally
            {
                _samples.Dispose();
            }
        }
    }

    private void Recover()
    {
        long fileLength = RandomAccess.GetLength(_samples);
        long valid = Scan(fileLength, null);
        if (valid < fileLength)
        {
            RandomAccess.SetLength(_samples, valid);
            RandomAccess.FlushToDisk(_samples);
            RepairedBytes = fileLength - valid;
        }

        _length = valid;
    }

    /// <summary>Walks the blocks up to <paramref name="end"/>; returns the offset after the last whole, valid block.</summary>
    private long Scan(long end, BlockVisitor? onBlock)
    {
        int leads = LeadCount;
        int maxFrames = EcgStreamLimits.MaxFramesPerBlock(leads);
        Span<short> samples = default;
        long offset = 0;
        uint sequence = 0;
        long count = 0;
        Span<byte> header = _block.AsSpan(0, BlockHeaderLength);
        while (end - offset >= BlockHeaderLength)
        {
            RandomAccess.Read(_samples, header, offset);
            uint blockSequence = BinaryPrimitives.ReadUInt32LittleEndian(header);
            long first = BinaryPrimitives.ReadInt64LittleEndian(header[4..]);
            int frames = BinaryPrimitives.ReadUInt16LittleEndian(header[12..]);
            int blockLeads = BinaryPrimitives.ReadUInt16LittleEndian(header[14..]);
            if (blockSequence != sequence + 1 || first != count || frames == 0 || frames > maxFrames || blockLeads != leads)
            {
                break;
            }

            int length = BlockHeaderLength + (frames * leads * 2) + BlockTrailerLength;
            if (end - offset < length)
            {
                break;
            }

            Span<byte> block = _block.AsSpan(0, length);
            if (RandomAccess.Read(_samples, block[BlockHeaderLength..], offset + BlockHeaderLength) != length - BlockHeaderLength
                || Crc32.HashToUInt32(block[..^BlockTrailerLength]) != BinaryPrimitives.ReadUInt32LittleEndian(block[^BlockTrailerLength..]))
            {
                break;
            }

            if (onBlock is not null)
            {
                samples = MemoryMarshal.Cast<byte, short>(block.Slice(BlockHeaderLength, frames * leads * 2));
                if (!BitConverter.IsLittleEndian)
                {
                    BinaryPrimitives.ReverseEndianness(samples, samples);
                }

                onBlock(first, samples);
            }

            offset += length;
            sequence = blockSequence;
            count += frames;
        }

        if (onBlock is null)
        {
            LastSequence = sequence;
            SampleCount = count;
        }

        return offset;
    }

    private static void WriteDurably(string path, byte[] bytes)
    {
        string temp = path + ".tmp";
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(handle, bytes, 0);
            RandomAccess.FlushToDisk(handle);
        }

        File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
    }
}

/// <summary>Receives one block of a segment: its first sample index and its interleaved samples (valid during the call).</summary>
internal delegate void BlockVisitor(long firstSample, ReadOnlySpan<short> interleaved);

/// <summary>finished.json: what BYE-ACK answered, so a repeated BYE (lost BYE-ACK) gets the same answer and no second ingest.</summary>
internal sealed record EcgSegmentFinish(uint LastSequence, long SampleCount, string BlobHash, string? SopInstanceUid, Telemed.Ecg.Rhythm.EcgUrgency Urgency, IReadOnlyList<string> Flags);
