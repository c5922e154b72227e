using Telemed.DeviceGateway.EcgStreams.Authentication;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.DeviceGateway.EcgStreams.Segments;
using Telemed.DeviceGateway.Tests.Support;
using Xunit;

namespace Telemed.DeviceGateway.Tests.EcgStreams;

/// <summary>The segment file on a real disk: appends survive reopening; every kind of torn tail is cut back to the last whole block.</summary>
public sealed class EcgSegmentTests
{
    private static readonly EcgDevice Device = new("cart-7", "township-3");

    private static readonly EcgStreamHello Hello = new()
    {
        RecordingId = Guid.NewGuid(),
        DeviceId = "cart-7",
        Token = "t",
        AcquisitionStartUtc = new DateTime(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc),
        SamplingRateHz = 360,
        Leads = [new EcgStreamLead("MLII", 200, 1024), new EcgStreamLead("V1", 200, 1024)],
    };

    // Three blocks of 10, 20 and 30 frames of 2 leads: 16 + samples + 4 bytes each.
    private const int Block1 = 16 + 40 + 4;
    private const int Block2 = 16 + 80 + 4;
    private const int Block3 = 16 + 120 + 4;

    public enum Damage
    {
        CutInHeader,
        CutInSamples,
        CutInCrc,
        FlippedSample,
        ZeroFilledTail,
        GarbageAfterLastBlock,
    }

    [Theory]
    [InlineData(Damage.CutInHeader, 2, Block1 + Block2)]
    [InlineData(Damage.CutInSamples, 2, Block1 + Block2)]
    [InlineData(Damage.CutInCrc, 2, Block1 + Block2)]
    [InlineData(Damage.FlippedSample, 2, Block1 + Block2)]
    [InlineData(Damage.ZeroFilledTail, 3, Block1 + Block2 + Block3)]
    [InlineData(Damage.GarbageAfterLastBlock, 3, Block1 + Block2 + Block3)]
    public void Torn_tail_is_truncated_to_the_last_whole_block(Damage damage, uint lastSequence, long length)
    {
        using var temp = new TempDirectory();
        string path;
        using (var segment = EcgSegment.OpenOrCreate(temp.Path, Hello, Device))
        {
            segment.Append(1, 0, Samples(0, 10));
            segment.Append(2, 10, Samples(10, 20));
            segment.Append(3, 30, Samples(30, 30));
            segment.Flush();
            path = segment.SamplesPath;
        }

        long full = Block1 + Block2 + Block3;
        switch (damage)
        {
            case Damage.CutInHeader: Truncate(path, Block1 + Block2 + 7); break;
            case Damage.CutInSamples: Truncate(path, Block1 + Block2 + 16 + 33); break;
            case Damage.CutInCrc: Truncate(path, full - 2); break;
            case Damage.FlippedSample: Flip(path, Block1 + Block2 + 16 + 50); break;
            case Damage.ZeroFilledTail: Append(path, new byte[4096]); break;
            case Damage.GarbageAfterLastBlock: Append(path, [4, 0, 0, 0, 60, 0, 0, 0, 0, 0, 0, 0, 5, 0, 2, 0, 1, 2, 3]); break;
        }

        using (var reopened = EcgSegment.OpenOrCreate(temp.Path, Hello, Device))
        {
            Assert.Equal(lastSequence, reopened.LastSequence);
            Assert.Equal(lastSequence == 3 ? 60 : 30, reopened.SampleCount);
            Assert.Equal(length, new FileInfo(path).Length);
            Assert.True(reopened.RepairedBytes > 0);

            // The stream goes on from the repaired end, and what was whole before is unchanged.
            long next = reopened.SampleCount;
            reopened.Append(lastSequence + 1, next, Samples((int)next, 5));
            reopened.Flush();
            Assert.Equal(Samples(0, (int)next + 5), Flatten(reopened));
        }
    }

    [Fact]
    public void Hello_that_disagrees_with_the_stored_metadata_is_a_mismatch()
    {
        using var temp = new TempDirectory();
        using (EcgSegment.OpenOrCreate(temp.Path, Hello, Device))
        {
        }

        var e = Assert.Throws<EcgStreamProtocolException>(() => EcgSegment.OpenOrCreate(temp.Path, Hello with { SamplingRateHz = 500 }, Device));
        Assert.Equal(EcgStreamErrorCode.RecordingMismatch, e.Code);
        e = Assert.Throws<EcgStreamProtocolException>(() => EcgSegment.OpenOrCreate(temp.Path, Hello, Device with { InstitutionId = "other" }));
        Assert.Equal(EcgStreamErrorCode.RecordingMismatch, e.Code);
    }

    private static short[] Samples(int firstFrame, int frames)
    {
        var s = new short[frames * 2];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (short)((firstFrame * 2) + i - 500);
        }

        return s;
    }

    private static short[] Flatten(EcgSegment segment)
    {
        var all = new List<short>();
        segment.ReadBlocks((_, block) => all.AddRange(block));
        return [.. all];
    }

    private static void Truncate(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.SetLength(length);
    }

    private static void Flip(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.Position = offset;
        int b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x40));
    }

    private static void Append(string path, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Append);
        file.Write(bytes);
    }
}
