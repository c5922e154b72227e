using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Telemed.DeviceGateway.EcgStreams.Protocol;

/// <summary>Writes frames into a pipe's buffer; the caller flushes. SAMPLES and ACK allocate nothing.</summary>
internal static class EcgFrameWriter
{
    public static void WriteSamples(IBufferWriter<byte> output, uint sequence, long firstSample, ReadOnlySpan<short> interleaved, int leads)
    {
        int frames = interleaved.Length / leads;
        if (frames == 0 || frames * leads != interleaved.Length || frames > EcgStreamLimits.MaxFramesPerBlock(leads))
        {
            throw new ArgumentException($"{interleaved.Length} samples are not 1..{EcgStreamLimits.MaxFramesPerBlock(leads)} whole frames of {leads} leads", nameof(interleaved));
        }

        int length = EcgStreamLimits.SamplesHeaderLength + (2 * interleaved.Length);
        Span<byte> span = Begin(output, EcgFrameType.Samples, length);
        BinaryPrimitives.WriteUInt32LittleEndian(span, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], firstSample);
        BinaryPrimitives.WriteUInt16LittleEndian(span[12..], (ushort)frames);
        Span<short> samples = MemoryMarshal.Cast<byte, short>(span.Slice(EcgStreamLimits.SamplesHeaderLength, 2 * interleaved.Length));
        if (BitConverter.IsLittleEndian)
        {
            interleaved.CopyTo(samples);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(interleaved, samples);
        }

        output.Advance(EcgStreamLimits.FrameHeaderLength + length);
    }

    public static void WriteHello(IBufferWriter<byte> output, EcgStreamHello hello)
    {
        ArgumentNullException.ThrowIfNull(hello);
        int length = 16 + Str(hello.DeviceId) + Str(hello.Token) + Str(hello.PatientId) + 8 + 2 + 1;
        foreach (var lead in hello.Leads)
        {
            length += Str(lead.Label) + 8 + 2;
        }

        Span<byte> span = Begin(output, EcgFrameType.Hello, length);
        hello.RecordingId.TryWriteBytes(span, bigEndian: true, out _);
        int at = 16;
        at += PutString(span[at..], hello.DeviceId);
        at += PutString(span[at..], hello.Token);
        at += PutString(span[at..], hello.PatientId);
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], new DateTimeOffset(DateTime.SpecifyKind(hello.AcquisitionStartUtc, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 8)..], checked((ushort)hello.SamplingRateHz));
        span[at + 10] = checked((byte)hello.Leads.Count);
        at += 11;
        foreach (var lead in hello.Leads)
        {
            at += PutString(span[at..], lead.Label);
            BinaryPrimitives.WriteDoubleLittleEndian(span[at..], lead.AduPerMillivolt);
            BinaryPrimitives.WriteInt16LittleEndian(span[(at + 8)..], lead.Baseline);
            at += 10;
        }

        output.Advance(EcgStreamLimits.FrameHeaderLength + length);
    }

    public static void WriteHelloAck(IBufferWriter<byte> output, bool finished, uint nextSequence, long nextSample)
    {
        Span<byte> span = Begin(output, EcgFrameType.HelloAck, 13);
        span[0] = finished ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32LittleEndian(span[1..], nextSequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[5..], nextSample);
        output.Advance(EcgStreamLimits.FrameHeaderLength + 13);
    }

    public static void WriteAck(IBufferWriter<byte> output, uint sequence, long durableSamples) =>
        WriteSequenceAndCount(output, EcgFrameType.Ack, sequence, durableSamples);

    public static void WriteBye(IBufferWriter<byte> output, uint lastSequence, long totalSamples) =>
        WriteSequenceAndCount(output, EcgFrameType.Bye, lastSequence, totalSamples);

    public static void WriteByeAck(IBufferWriter<byte> output, EcgStreamCompletion completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        int count = Math.Min(completion.Flags.Count, byte.MaxValue);
        int length = 1 + Str(completion.BlobHash) + 1;
        for (int i = 0; i < count; i++)
        {
            length += Str(completion.Flags[i]);
        }

        Span<byte> span = Begin(output, EcgFrameType.ByeAck, length);
        span[0] = (byte)completion.Urgency;
        int at = 1 + PutString(span[1..], completion.BlobHash);
        span[at++] = (byte)count;
        for (int i = 0; i < count; i++)
        {
            at += PutString(span[at..], completion.Flags[i]);
        }

        output.Advance(EcgStreamLimits.FrameHeaderLength + length);
    }

    public static void WriteError(IBufferWriter<byte> output, EcgStreamErrorCode code, string message)
    {
        string text = Truncate(message ?? "", EcgStreamLimits.MaxShortString);
        int length = 2 + Str(text);
        Span<byte> span = Begin(output, EcgFrameType.Error, length);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)code);
        PutString(span[2..], text);
        output.Advance(EcgStreamLimits.FrameHeaderLength + length);
    }

    private static void WriteSequenceAndCount(IBufferWriter<byte> output, EcgFrameType type, uint sequence, long samples)
    {
        Span<byte> span = Begin(output, type, 12);
        BinaryPrimitives.WriteUInt32LittleEndian(span, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], samples);
        output.Advance(EcgStreamLimits.FrameHeaderLength + 12);
    }

    /// <summary>Writes the frame header and returns the payload's span (the caller advances header + payload).</summary>
    private static Span<byte> Begin(IBufferWriter<byte> output, EcgFrameType type, int payloadLength)
    {
        if (payloadLength > EcgStreamLimits.MaxPayloadLength)
        {
            throw new ArgumentException($"{type} payload of {payloadLength} bytes exceeds the protocol limit", nameof(payloadLength));
        }

        Span<byte> span = output.GetSpan(EcgStreamLimits.FrameHeaderLength + payloadLength);
        span[0] = EcgStreamLimits.Magic0;
        span[1] = EcgStreamLimits.Magic1;
        span[2] = EcgStreamLimits.Version;
        span[3] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)payloadLength);
        return span.Slice(EcgStreamLimits.FrameHeaderLength, payloadLength);
    }

    private static int Str(string value)
    {
        int n = Encoding.UTF8.GetByteCount(value);
        if (n > EcgStreamLimits.MaxShortString)
        {
            throw new ArgumentException($"'{value[..16]}…' is longer than {EcgStreamLimits.MaxShortString} UTF-8 bytes", nameof(value));
        }

        return 1 + n;
    }

    private static int PutString(Span<byte> destination, string value)
    {
        int n = Encoding.UTF8.GetBytes(value, destination[1..]);
        destination[0] = (byte)n;
        return 1 + n;
    }

    /// <summary>Cuts at a character boundary so the text stays valid UTF-8 within the byte limit.</summary>
    private static string Truncate(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        int chars = text.Length;
        while (chars > 0 && Encoding.UTF8.GetByteCount(text.AsSpan(0, chars)) > maxBytes)
        {
            chars--;
        }

        if (chars > 0 && char.IsHighSurrogate(text[chars - 1]))
        {
            chars--;
        }

        return text[..chars];
    }
}
