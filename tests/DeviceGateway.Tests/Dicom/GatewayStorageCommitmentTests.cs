using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Telemed.DeviceGateway.Tests.Support;
using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.DeviceGateway.Tests.Dicom;

/// <summary>
/// Storage Commitment Push Model (PS3.4 Annex J) through the real gateway: instances stored with DCMTK's storescu,
/// then committed with our StorageCommitmentScu; the gateway commits only what its catalog and blob store hold for
/// the requester's institution.
/// </summary>
public sealed class GatewayStorageCommitmentTests : IAsyncLifetime
{
    private static readonly string[] Files = [GatewayTestData.Sample("cr-chest-pa-gb18030.dcm"), GatewayTestData.Sample("ecg-normal-sinus-gb18030.dcm")];
    private static readonly SopReference Cr = Reference(Files[0]);
    private static readonly SopReference Ecg = Reference(Files[1]);

    // Never sent: a UID of our own making under the CR's class.
    private static readonly SopReference NeverSent = new(Cr.SopClassUid, "2.25.1234567890123456789012345678901");

    // The CR's instance under another SOP class (Digital X-Ray): PS3.4 §J.3.3.1.1 class/instance conflict.
    private static readonly SopReference WrongClass = new("1.2.840.10008.5.1.4.1.1.1.1", Cr.SopInstanceUid);

    private DicomGatewayHarness harness = null!;

    public async Task InitializeAsync() => harness = await DicomGatewayHarness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Stored_instances_are_committed_and_a_never_sent_one_fails_with_0112()
    {
        await StoreWithStorescuAsync(harness);

        StorageCommitmentResult result = await new StorageCommitmentScu("STORESCU", "TELEMED")
            .CommitAsync("127.0.0.1", harness.Port, "2.25.77001", [Cr, Ecg, NeverSent, WrongClass]);

        Assert.Equal([Cr, Ecg], result.Committed);
        Assert.Equal([(NeverSent, (ushort)0x0112), (WrongClass, (ushort)0x0119)], result.Failed);
        // The association slot is given back once the server side has finished the release.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (harness.Gateway.Devices.OpenAssociations("storescu") != 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task Another_institutions_device_and_an_instance_whose_bytes_are_gone_are_not_committed()
    {
        await StoreWithStorescuAsync(harness);
        await using (SqliteCatalogDbContext context = harness.OpenCatalog())
        {
            StoredInstance ecgRow = await context.Instances.AsNoTracking().SingleAsync(i => i.SopInstanceUid == Ecg.SopInstanceUid);
            File.Delete(harness.Gateway.Blobs.PathOf(BlobHash.Parse(ecgRow.BlobHash)));
        }

        StorageCommitmentResult stranger = await new StorageCommitmentScu("TOWNSHIP_B", "TELEMED")
            .CommitAsync("127.0.0.1", harness.Port, "2.25.77002", [Cr]);
        StorageCommitmentResult owner = await new StorageCommitmentScu("STORESCU", "TELEMED")
            .CommitAsync("127.0.0.1", harness.Port, "2.25.77003", [Cr, Ecg]);

        Assert.Empty(stranger.Committed);
        Assert.Equal([(Cr, (ushort)0x0112)], stranger.Failed);
        Assert.Equal([Cr], owner.Committed);
        Assert.Equal([(Ecg, DicomStatus.ProcessingFailure)], owner.Failed);
    }

    [Fact]
    public async Task A_requester_that_released_gets_the_report_on_its_own_listener()
    {
        var inbox = new StorageCommitmentInbox();
        var ended = new System.Collections.Concurrent.ConcurrentQueue<AssociationOutcome>();
        await using var requester = new DicomServer(
            new DicomServerOptions { AeTitle = "STORESCU", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) },
            new DicomServices { StorageCommitmentReports = inbox });
        requester.AssociationEnded += (_, outcome) => ended.Enqueue(outcome);
        requester.Start();
        await using DicomGatewayHarness gateway = await DicomGatewayHarness.StartAsync(o => o with
        {
            CommitmentRequesterOf = device => device.Id == "storescu" ? new DicomPeer("127.0.0.1", requester.LocalEndPoint.Port, "STORESCU") : null,
        });
        await StoreWithStorescuAsync(gateway);

        StorageCommitmentResult result = await new StorageCommitmentScu("STORESCU", "TELEMED")
            .CommitAsync("127.0.0.1", gateway.Port, "2.25.77004", [Cr, NeverSent], inbox)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal([Cr], result.Committed);
        Assert.Equal([(NeverSent, (ushort)0x0112)], result.Failed);
        // The report came on an association the gateway opened as TELEMED (PS3.4 §J.3.3).
        AssociationOutcome back = await UntilAsync(ended);
        Assert.Equal("TELEMED", back.CallingAeTitle);
    }

    private static SopReference Reference(string path)
    {
        DicomFile file = DicomFile.Open(path);
        return new SopReference(file.Dataset.GetUid(GatewayTestData.Tag("SOPClassUID")), file.Dataset.GetUid(GatewayTestData.Tag("SOPInstanceUID")));
    }

    private static async Task StoreWithStorescuAsync(DicomGatewayHarness target)
    {
        ToolProcess.Result stored = await ToolProcess.RunAsync("storescu",
            ["-aec", "TELEMED", "127.0.0.1", target.Port.ToString(CultureInfo.InvariantCulture), .. Files]);
        Assert.True(stored.ExitCode == 0, stored.ToString());
    }

    private static async Task<AssociationOutcome> UntilAsync(System.Collections.Concurrent.ConcurrentQueue<AssociationOutcome> ended)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        AssociationOutcome? outcome;
        while (!ended.TryDequeue(out outcome))
        {
            await Task.Delay(20, timeout.Token);
        }

        return outcome;
    }
}
