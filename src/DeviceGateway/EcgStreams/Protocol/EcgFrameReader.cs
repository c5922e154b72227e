using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Telemed.DeviceGateway.EcgStreams.Protocol;

/// <summary>
/// Cuts frames off a receive buffer and parses their payloads. Like Kestrel's parser it never copies a whole frame:
/// a partial frame is left in the buffer for the next read, and a SAMPLES payload is copied once, straight into the
/// caller's sample buffer.
/// </summary>
internal static class EcgFrameReader
{
    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>. False when the frame is not complete yet.
    /// The header is checked as soon as its 8 bytes are in, so an oversized or foreign frame is refused before its
    /// payload is buffered.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out EcgFrameType type, out ReadOnlySequence<byte> payload)
    {
        type = default;
        payload = default;
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        Span<byte> copy = stackalloc byte[EcgStreamLimits.FrameHeaderLength];
        scoped ReadOnlySpan<byte> header;
        if (first.Length >= EcgStreamLimits.FrameHeaderLength)
        {
            header = first;
        }
        else if (buffer.Length >= EcgStreamLimits.FrameHeaderLength)
        {
            buffer.Slice(0, EcgStreamLimits.FrameHeaderLength).CopyTo(copy);
            header = copy;
        }
        else
        {
            return false;
        }

        if (header[0] != EcgStreamLimits.Magic0 || header[1] != EcgStreamLimits.Magic1)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.MalformedFrame, $"bad frame magic 0x{header[0]:X2}{header[1]:X2}");
        }

        if (header[2] != EcgStreamLimits.Version)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.MalformedFrame, $"unsupported protocol version {header[2]}");
        }

        byte rawType = header[3];
        if (rawType is < (byte)EcgFrameType.Hello or > (byte)EcgFrameType.Error)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.MalformedFrame, $"unknown frame type {rawType}");
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length > EcgStreamLimits.MaxPayloadLength)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.FrameTooLarge,
                $"frame payload of {length} bytes exceeds the {EcgStreamLimits.MaxPayloadLength}-byte limit");
        }

        long total = EcgStreamLimits.FrameHeaderLength + (long)length;
        if (buffer.Length < total)
        {
            return false;
        }

        type = (EcgFrameType)rawType;
        payload = buffer.Slice(EcgStreamLimits.FrameHeaderLength, length);
        buffer = buffer.Slice(total);
        return true;
    }

    /// <summary>The fixed part of a SAMPLES payload; the samples follow at offset 14.</summary>
    public static SamplesHeader ReadSamplesHeader(ReadOnlySequence<byte> payload, int leads)
    {
        var reader = new SequenceReader<byte>(payload);
        if (!reader.TryReadLittleEndian(out int sequence) || !reader.TryReadLittleEndian(out long firstSample)
            || !reader.TryReadLittleEndian(out short frames))
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.MalformedFrame, $"SAMPLES payload of {payload.Length} bytes is shorter than its header");
        }

        int frameCount = (ushort)frames;
        long expected = EcgStreamLimits.SamplesHeaderLength + (2L * frameCount * leads);
        if (frameCount == 0 || payload.Length != expected)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.MalformedFrame,
                $"SAMPLES {(uint)sequence}: {frameCount} frames of {leads} leads need {expected} payload bytes, got {payload.Length}");
        }

        if (firstSample < 0)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.MalformedFrame, $"SAMPLES {(uint)sequence}: negative first sample index");
        }

        return new SamplesHeader((uint)sequence, firstSample, frameCount);
    }

    /// <summary>Copies the interleaved int16 samples of a SAMPLES payload into <paramref name="destination"/>.</summary>
    public static void CopySamples(ReadOnlySequence<byte> payload, Span<short> destination)
    {
        var bytes = payload.Slice(EcgStreamLimits.SamplesHeaderLength);
        bytes.CopyTo(MemoryMarshal.AsBytes(destination));
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(destination[..(int)(bytes.Length / 2)], destination);
        }
    }

    public static EcgStreamHello ReadHello(ReadOnlySequence<byte> payload)
    {
        var reader = new SequenceReader<byte>(payload);
        Span<byte> id = stackalloc byte[16];
        if (!reader.TryCopyTo(id))
        {
            throw Truncated("HELLO");
        }

        reader.Advance(16);
        string device = ReadString(ref reader, "HELLO device id");
        string token = ReadString(ref reader, "HELLO token");
        string patient = ReadString(ref reader, "HELLO patient id");
        if (!reader.TryReadLittleEndian(out long startMs) || !reader.TryReadLittleEndian(out short rate) || !reader.TryRead(out byte leadCount))
        {
            throw Truncated("HELLO");
        }

        var leads = new EcgStreamLead[leadCount];
        for (int i = 0; i < leads.Length; i++)
        {
            string label = ReadString(ref reader, "HELLO lead label");
            if (!reader.TryReadLittleEndian(out long gainBits) || !reader.TryReadLittleEndian(out short baseline))
            {
                throw Truncated("HELLO");
            }

            leads[i] = new EcgStreamLead(label, BitConverter.Int64BitsToDouble(gainBits), baseline);
        }

        if (!reader.End)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.MalformedFrame, $"HELLO has {reader.Remaining} bytes after its last lead");
        }

        if (startMs is < -62135596800000 or > 253402300799999)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.InvalidHello, $"HELLO acquisition time {startMs} ms is out of range");
        }

        return new EcgStreamHello
        {
            RecordingId = new Guid(id, bigEndian: true),
            DeviceId = device,
            Token = token,
            PatientId = patient,
            AcquisitionStartUtc = DateTimeOffset.FromUnixTimeMilliseconds(startMs).UtcDateTime,
            SamplingRateHz = (ushort)rate,
            Leads = leads,
        };
    }

    public static (bool Finished, uint NextSequence, long NextSample) ReadHelloAck(ReadOnlySequence<byte> payload)
    {
        var reader = new SequenceReader<byte>(payload);
        if (!reader.TryRead(out byte state) || !reader.TryReadLittleEndian(out int next) || !reader.TryReadLittleEndian(out long sample) || !reader.End)
        {
            throw Truncated("HELLO-ACK");
        }

        return (state == 1, (uint)next, sample);
    }

    /// <summary>ACK and BYE share a layout: a sequence number and a sample count.</summary>
    public static (uint Sequence, long Samples) ReadSequenceAndCount(ReadOnlySequence<byte> payload, string frame)
    {
        var reader = new SequenceReader<byte>(payload);
        if (!reader.TryReadLittleEndian(out int sequence) || !reader.TryReadLittleEndian(out long samples) || !reader.End)
        {
            throw Truncated(frame);
        }

        return ((uint)sequence, samples);
    }

    public static EcgStreamCompletion ReadByeAck(ReadOnlySequence<byte> payload)
    {
        var reader = new SequenceReader<byte>(payload);
        if (!reader.TryRead(out byte urgency) || urgency > 2)
        {
            throw Truncated("BYE-ACK");
        }

        string hash = ReadString(ref reader, "BYE-ACK blob hash");
        if (!reader.TryRead(out byte count))
        {
            throw Truncated("BYE-ACK");
        }

        var flags = new string[count];
        for (int i = 0; i < flags.Length; i++)
        {
            flags[i] = ReadString(ref reader, "BYE-ACK flag");
        }

        return new EcgStreamCompletion(hash, (Telemed.Ecg.Rhythm.EcgUrgency)urgency, flags);
    }

    public static (EcgStreamErrorCode Code, string Message) ReadError(ReadOnlySequence<byte> payload)
    {
        var reader = new SequenceReader<byte>(payload);
        if (!reader.TryReadLittleEndian(out short code))
        {
            throw Truncated("ERROR");
        }

        return ((EcgStreamErrorCode)(ushort)code, ReadString(ref reader, "ERROR text"));
    }

    private static string ReadString(ref SequenceReader<byte> reader, string what)
    {
        if (!reader.TryRead(out byte length) || reader.Remaining < length)
        {
            throw Truncated(what);
        }

        Span<byte> bytes = stackalloc byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new EcgStreamProtocolException(EcgStreamErrorCode.MalformedFrame, $"{what} is not valid UTF-8");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static EcgStreamProtocolException Truncated(string what) =>
        new(EcgStreamErrorCode.MalformedFrame, $"{what} payload is truncated or malformed");
}

/// <summary>The fixed fields of a SAMPLES frame.</summary>
internal readonly record struct SamplesHeader(uint Sequence, long FirstSample, int FrameCount);
