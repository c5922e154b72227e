using System.Buffers;
using System.IO.Pipelines;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.Ecg.Rhythm;
using Xunit;

namespace Telemed.DeviceGateway.Tests.EcgStreams;

/// <summary>The frame codec on its own: exact layouts, frames split anywhere, refusals, and no allocation per SAMPLES frame.</summary>
public sealed class EcgFrameCodecTests
{
    private static readonly EcgStreamHello Hello = new()
    {
        RecordingId = Guid.Parse("0b9b3c62-5d0e-4c7a-9a53-2f6a1c6b7e01"),
        DeviceId = "cart-7",
        Token = "tok",
        PatientId = "张三-01",
        AcquisitionStartUtc = new DateTime(2026, 11, 26, 8, 30, 0, 250, DateTimeKind.Utc),
        SamplingRateHz = 500,
        Leads = [new EcgStreamLead("I", 200, 0), new EcgStreamLead("II", 200, -3), new EcgStreamLead("V1", 1000.5, 1024)],
    };

    [Fact]
    public void Every_frame_reads_back_equal_when_split_into_one_byte_segments()
    {
        var buffer = new ArrayBufferWriter<byte>();
        short[] samples = [1, -2, 3, short.MaxValue, short.MinValue, 0];
        EcgFrameWriter.WriteHello(buffer, Hello);
        EcgFrameWriter.WriteHelloAck(buffer, finished: false, 17, 123_456);
        EcgFrameWriter.WriteSamples(buffer, 17, 123_456, samples, 3);
        EcgFrameWriter.WriteAck(buffer, 17, 123_458);
        EcgFrameWriter.WriteBye(buffer, 17, 123_458);
        EcgFrameWriter.WriteByeAck(buffer, new EcgStreamCompletion(new string('a', 64), EcgUrgency.Urgent, ["Tachycardia", "IrregularlyIrregular"]));
        EcgFrameWriter.WriteError(buffer, EcgStreamErrorCode.OutOfSequence, "expected 18");

        var sequence = OneBytePerSegment(buffer.WrittenSpan);
        var frames = new List<(EcgFrameType, ReadOnlySequence<byte>)>();
        while (EcgFrameReader.TryReadFrame(ref sequence, out var type, out var payload))
        {
            frames.Add((type, payload));
        }

        Assert.True(sequence.IsEmpty);
        Assert.Equal([EcgFrameType.Hello, EcgFrameType.HelloAck, EcgFrameType.Samples, EcgFrameType.Ack, EcgFrameType.Bye, EcgFrameType.ByeAck, EcgFrameType.Error],
            frames.Select(f => f.Item1));
        var hello = EcgFrameReader.ReadHello(frames[0].Item2);
        Assert.Equal(Hello with { Leads = [] }, hello with { Leads = [] });
        Assert.Equal(Hello.Leads, hello.Leads);
        Assert.Equal((false, 17u, 123_456L), EcgFrameReader.ReadHelloAck(frames[1].Item2));
        Assert.Equal(new SamplesHeader(17, 123_456, 2), EcgFrameReader.ReadSamplesHeader(frames[2].Item2, 3));
        short[] read = new short[6];
        EcgFrameReader.CopySamples(frames[2].Item2, read);
        Assert.Equal(samples, read);
        Assert.Equal((17u, 123_458L), EcgFrameReader.ReadSequenceAndCount(frames[3].Item2, "ACK"));
        Assert.Equal((17u, 123_458L), EcgFrameReader.ReadSequenceAndCount(frames[4].Item2, "BYE"));
        var completion = EcgFrameReader.ReadByeAck(frames[5].Item2);
        Assert.Equal(EcgUrgency.Urgent, completion.Urgency);
        Assert.Equal(["Tachycardia", "IrregularlyIrregular"], completion.Flags);
        Assert.Equal((EcgStreamErrorCode.OutOfSequence, "expected 18"), EcgFrameReader.ReadError(frames[6].Item2));
    }

    [Fact]
    public void Samples_frame_has_the_documented_little_endian_layout()
    {
        var buffer = new ArrayBufferWriter<byte>();
        EcgFrameWriter.WriteSamples(buffer, 0x01020304, 0x0A0B, [0x1122, -1], 2);

        Assert.Equal(
            [0x45, 0x43, 0x01, 0x03, 18, 0, 0, 0, // "EC", version 1, SAMPLES, payload 18 bytes
             0x04, 0x03, 0x02, 0x01, 0x0B, 0x0A, 0, 0, 0, 0, 0, 0, 1, 0, // sequence, first sample, 1 frame
             0x22, 0x11, 0xFF, 0xFF],
            buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Incomplete_frame_is_left_in_the_buffer()
    {
        var buffer = new ArrayBufferWriter<byte>();
        EcgFrameWriter.WriteAck(buffer, 5, 10);
        for (int cut = 0; cut < buffer.WrittenCount; cut++)
        {
            var partial = new ReadOnlySequence<byte>(buffer.WrittenMemory[..cut]);
            Assert.False(EcgFrameReader.TryReadFrame(ref partial, out _, out _));
            Assert.Equal(cut, partial.Length);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x47, 0x45, 0x54, 0x20, 0x2F, 0x20, 0x48, 0x54 }, EcgStreamErrorCode.MalformedFrame)] // "GET / HT"
    [InlineData(new byte[] { 0x45, 0x43, 0x02, 0x01, 0, 0, 0, 0 }, EcgStreamErrorCode.MalformedFrame)] // version 2
    [InlineData(new byte[] { 0x45, 0x43, 0x01, 0x09, 0, 0, 0, 0 }, EcgStreamErrorCode.MalformedFrame)] // type 9
    [InlineData(new byte[] { 0x45, 0x43, 0x01, 0x03, 0x01, 0x00, 0x01, 0x00 }, EcgStreamErrorCode.FrameTooLarge)] // 65537 bytes
    public void Bad_header_is_refused_before_its_payload_arrives(byte[] header, EcgStreamErrorCode code)
    {
        var sequence = new ReadOnlySequence<byte>(header);
        var e = Assert.Throws<EcgStreamProtocolException>(() => EcgFrameReader.TryReadFrame(ref sequence, out _, out _));
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Samples_payload_whose_length_disagrees_with_its_frame_count_is_malformed()
    {
        var buffer = new ArrayBufferWriter<byte>();
        EcgFrameWriter.WriteSamples(buffer, 1, 0, [1, 2, 3, 4], 2);
        var sequence = new ReadOnlySequence<byte>(buffer.WrittenMemory);
        Assert.True(EcgFrameReader.TryReadFrame(ref sequence, out _, out var payload));

        var e = Assert.Throws<EcgStreamProtocolException>(() => EcgFrameReader.ReadSamplesHeader(payload, 3));
        Assert.Equal(EcgStreamErrorCode.MalformedFrame, e.Code);
    }

    [Fact]
    public async Task Writing_and_reading_samples_frames_through_a_pipe_allocates_nothing_per_frame()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        short[] block = new short[36 * 12];
        short[] into = new short[block.Length];
        for (int i = 0; i < block.Length; i++)
        {
            block[i] = (short)(i * 7);
        }

        await RoundTripAsync(pipe, block, into, 1, 200); // warm up the pipe's segment pool and the JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        await RoundTripAsync(pipe, block, into, 201, 2000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(block, into);
        Assert.True(allocated < 2000, $"{allocated} bytes for 2000 frames");
    }

    private static async Task RoundTripAsync(Pipe pipe, short[] block, short[] into, uint firstSequence, int frames)
    {
        for (uint s = firstSequence; s < firstSequence + frames; s++)
        {
            EcgFrameWriter.WriteSamples(pipe.Writer, s, s * 36L, block, 12);
            await pipe.Writer.FlushAsync();
            var result = await pipe.Reader.ReadAsync();
            var buffer = result.Buffer;
            Assert.True(ReadOne(ref buffer, into, s));
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool ReadOne(ref ReadOnlySequence<byte> buffer, short[] into, uint expected)
    {
        if (!EcgFrameReader.TryReadFrame(ref buffer, out var type, out var payload) || type != EcgFrameType.Samples)
        {
            return false;
        }

        var header = EcgFrameReader.ReadSamplesHeader(payload, 12);
        EcgFrameReader.CopySamples(payload, into.AsSpan(0, header.FrameCount * 12));
        return header.Sequence == expected;
    }

    private static ReadOnlySequence<byte> OneBytePerSegment(ReadOnlySpan<byte> bytes)
    {
        var first = new Segment(bytes[..1].ToArray(), 0);
        var last = first;
        for (int i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.Slice(i, 1).ToArray());
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
