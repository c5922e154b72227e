using Microsoft.Extensions.Logging;
using Telemed.DeviceGateway.Commitment;
using Telemed.DeviceGateway.Devices;
using Telemed.DeviceGateway.EcgStreams.Live;
using Telemed.DeviceGateway.EcgStreams.Server;
using Telemed.DeviceGateway.Ingest;
using Telemed.DeviceGateway.Worklist;
using Telemed.Dicom.Network;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Hosting;

/// <summary>
/// The device-facing side of the hub: the DICOM listener (C-ECHO, C-STORE into durable ingest, Modality Worklist
/// C-FIND and Storage Commitment for the device's own institution, registered devices only, plain TCP or TLS) and
/// the ECG stream listener, over one blob store and catalog. The host starts it and stops it.
/// </summary>
public sealed partial class GatewayService : IAsyncDisposable
{
    private readonly GatewayOptions options;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;
    private readonly Func<CatalogDbContext> openCatalog;
    private DicomServer? dicom;
    private EcgStreamListener? ecg;
    private CancellationTokenSource? refreshStop;
    private Task? refreshLoop;

    public GatewayService(GatewayOptions options, Func<CatalogDbContext> openCatalog, IIngestSink sink, ILoggerFactory loggers,
        IEcgLiveObserver? liveObserver = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.loggers = loggers;
        logger = loggers.CreateLogger<GatewayService>();
        Blobs = new BlobStore(options.BlobRoot);
        this.openCatalog = openCatalog;
        Devices = new DeviceRegistry(openCatalog);
        Outbox = new IngestOutbox(openCatalog);
        // Every announcement goes through the outbox: DICOM instances queue it in their catalog transaction, finished
        // ECG recordings through the dispatcher as their sink.
        Dispatcher = new IngestEventDispatcher(Outbox, sink, loggers.CreateLogger<IngestEventDispatcher>(), options.IngestDispatch);
        Ingest = new DicomInstanceIngest(Blobs, new InstanceCatalog(openCatalog), Dispatcher, loggers.CreateLogger<DicomInstanceIngest>());
        Worklist = new ModalityWorklist(openCatalog);
        EcgStreams = new EcgStreamServer(new EcgStreamServerOptions { SegmentRoot = options.EcgSegmentRoot },
            new CatalogEcgDeviceAuthenticator(Devices), Blobs, Dispatcher, liveObserver, loggers.CreateLogger<EcgStreamServer>());
    }

    public BlobStore Blobs { get; }

    public DeviceRegistry Devices { get; }

    public DicomInstanceIngest Ingest { get; }

    /// <summary>"Ingested" events not yet handed to the sink (parked ones included).</summary>
    public IngestOutbox Outbox { get; }

    public IngestEventDispatcher Dispatcher { get; }

    public ModalityWorklist Worklist { get; }

    public EcgStreamServer EcgStreams { get; }

    /// <summary>Where the DICOM listener is bound (the port is chosen by the OS when configured as 0).</summary>
    public System.Net.IPEndPoint DicomEndPoint => dicom?.LocalEndPoint ?? throw new InvalidOperationException("gateway not started");

    public System.Net.IPEndPoint? EcgStreamEndPoint => ecg?.LocalEndPoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Devices.ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (options.DeviceRefreshInterval > TimeSpan.Zero)
        {
            refreshStop = new CancellationTokenSource();
            refreshLoop = RefreshDevicesAsync(options.DeviceRefreshInterval, refreshStop.Token);
        }

        // In the background: events an earlier run left queued are delivered while devices already connect.
        Dispatcher.Start();
        dicom = new DicomServer(new DicomServerOptions
        {
            AeTitle = options.AeTitle,
            EndPoint = options.DicomEndPoint,
            // Large P-DATA PDUs: fewer headers and wake-ups per 15 MB image; DCMTK sends up to 128 KiB.
            Association = DicomAssociationOptions.Default with { MaxPduLength = 128 * 1024, IdleTimeout = options.DicomIdleTimeout },
            StorageCommitment = new StorageCommitmentOptions { ResolveRequester = CommitmentRequester },
            ServerCertificate = options.DicomServerCertificate,
            ClientCertificates = options.DicomClientCertificates,
            TrustedClientCertificates = options.DicomTrustedClientCertificates,
        }, new DicomServices
        {
            Store = new GatewayStoreHandler(Ingest, Devices),
            Find = new WorklistFindHandler(Worklist, Devices),
            StorageCommitment = new CatalogStorageCommitmentHandler(openCatalog, Blobs, Devices),
            Policy = new DeviceAssociationPolicy(Devices, loggers.CreateLogger<DeviceAssociationPolicy>()),
        });
        dicom.AssociationEnded += (_, outcome) => LogAssociation(logger, outcome);
        dicom.Start();
        if (options.EcgStreamEndPoint is not null)
        {
            ecg = EcgStreamListener.Start(EcgStreams, options.EcgStreamEndPoint, loggers.CreateLogger<EcgStreamListener>());
        }

        LogStarted(logger, options.AeTitle, dicom.LocalEndPoint, DicomTls ? "TLS" : "plain TCP", ecg?.LocalEndPoint);
    }

    /// <summary>The DICOM listener speaks TLS only (a server certificate is configured).</summary>
    public bool DicomTls => options.DicomServerCertificate is not null;

    public async Task StopAsync()
    {
        // Taken once: the host's stop and the container's dispose may both call this, at the same time.
        if (Interlocked.Exchange(ref refreshStop, null) is { } stop)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            if (Interlocked.Exchange(ref refreshLoop, null) is { } loop)
            {
                await loop.ConfigureAwait(false);
            }

            stop.Dispose();
        }

        if (dicom is not null)
        {
            await dicom.StopAsync().ConfigureAwait(false);
        }

        if (ecg is not null)
        {
            await ecg.DisposeAsync().ConfigureAwait(false);
        }

        await Dispatcher.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (dicom is not null)
        {
            await dicom.DisposeAsync().ConfigureAwait(false);
        }

        await Dispatcher.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RefreshDevicesAsync(TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await Devices.ReloadAsync(stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The last good registry stays in force; the next tick tries again.
                    LogRefreshFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private DicomPeer? CommitmentRequester(StorageCommitmentRequest request) =>
        options.CommitmentRequesterOf is { } resolve && Devices.FindByAeTitle(request.CallingAeTitle) is { Enabled: true } device
            ? resolve(device)
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "device gateway: DICOM AE {AeTitle} on {DicomEndPoint} ({DicomTransport}), ECG streams on {EcgEndPoint}")]
    private static partial void LogStarted(ILogger logger, string aeTitle, System.Net.IPEndPoint dicomEndPoint, string dicomTransport, System.Net.IPEndPoint? ecgEndPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "device registry refresh failed; the previous registry stays in force")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "association ended: {Outcome}")]
    private static partial void LogAssociation(ILogger logger, AssociationOutcome outcome);
}
