using System.Buffers.Binary;
using System.Globalization;
using Telemed.Cli;
using Telemed.DeviceGateway.Tests.Support;
using Xunit;

namespace Telemed.DeviceGateway.Tests.Cli;

/// <summary><c>telemed send ecg-stream</c> against a real server.</summary>
public sealed class SendEcgStreamCommandTests
{
    [Fact]
    public async Task Command_streams_a_wfdb_record_through_drops_and_the_segment_holds_it_exactly()
    {
        await using var gateway = new GatewayHarness();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var recordingId = Guid.NewGuid();

        int exit = await Task.Run(() => CommandLine.Run(
            ["send", "ecg-stream", Path.Combine(TestData.MitdbDirectory, "100.hea"), "--host", "127.0.0.1", "--port", Port(gateway),
             "--device", GatewayHarness.DeviceId, "--token", GatewayHarness.Token, "--seconds", "30", "--drop-every", "40",
             "--recording", recordingId.ToString(), "--patient", "P-0042"],
            stdout, stderr));

        Assert.True(exit == 0, stderr.ToString());
        var ingested = Assert.Single(gateway.Sink.Published);
        Assert.Equal("P-0042", ingested.PatientId);
        Assert.Contains($"stored as blob {ingested.BlobHash}", stdout.ToString(), StringComparison.Ordinal);

        // Read samples.seg by its documented layout (docs/protocols/ecg-stream.md §5), independently of EcgSegment.
        byte[] file = await File.ReadAllBytesAsync(Path.Combine(gateway.SegmentDirectory(recordingId), "samples.seg"));
        var samples = new List<short>();
        for (int at = 0; at < file.Length;)
        {
            int frames = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(at + 12));
            int leads = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(at + 14));
            for (int i = 0; i < frames * leads; i++)
            {
                samples.Add(BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(at + 16 + (2 * i))));
            }

            at += 16 + (frames * leads * 2) + 4;
        }

        var record = TestData.Record("100");
        Assert.Equal(360 * 30 * 2, samples.Count);
        for (int t = 0; t < 360 * 30; t++)
        {
            Assert.Equal(record.Leads[0].Samples.Span[t], samples[2 * t]);
            Assert.Equal(record.Leads[1].Samples.Span[t], samples[(2 * t) + 1]);
        }
    }

    [Fact]
    public async Task Command_with_a_wrong_token_fails_with_the_servers_reason()
    {
        await using var gateway = new GatewayHarness();
        var stderr = new StringWriter();

        int exit = await Task.Run(() => CommandLine.Run(
            ["send", "ecg-stream", Path.Combine(TestData.MitdbDirectory, "100"), "--host", "127.0.0.1", "--port", Port(gateway),
             "--device", GatewayHarness.DeviceId, "--token", "wrong", "--seconds", "2"],
            new StringWriter(), stderr));

        Assert.Equal(1, exit);
        Assert.Contains("Unauthorized", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(gateway.Sink.Published);
    }

    private static string Port(GatewayHarness gateway) => gateway.EndPoint.Port.ToString(CultureInfo.InvariantCulture);
}
