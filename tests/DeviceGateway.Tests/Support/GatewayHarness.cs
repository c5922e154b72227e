using System.Net;
using Telemed.DeviceGateway.EcgStreams.Authentication;
using Telemed.DeviceGateway.EcgStreams.Client;
using Telemed.DeviceGateway.EcgStreams.Segments;
using Telemed.DeviceGateway.EcgStreams.Server;
using Telemed.Ecg.Signals;
using Telemed.Storage.Blobs;

namespace Telemed.DeviceGateway.Tests.Support;

/// <summary>A real ECG stream server on an ephemeral loopback port, over real folders; restartable over the same folders.</summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    public const string DeviceId = "cart-7";
    public const string InstitutionId = "township-3";
    public const string Token = "s3cret-token-0123456789abcdef";

    private readonly TempDirectory _temp = new();

    private readonly Telemed.DeviceGateway.Ingest.IIngestSink? _sink;

    /// <param name="sink">Where finished recordings are announced; <see cref="Sink"/> when null.</param>
    public GatewayHarness(Func<EcgStreamServerOptions, EcgStreamServerOptions>? configure = null, Telemed.DeviceGateway.Ingest.IIngestSink? sink = null)
    {
        _sink = sink;
        Authenticator.Register(DeviceId, InstitutionId, Token);
        Blobs = new BlobStore(Path.Combine(_temp.Path, "blobs"));
        Options = new EcgStreamServerOptions { SegmentRoot = Path.Combine(_temp.Path, "ecg-streams") };
        if (configure is not null)
        {
            Options = configure(Options);
        }

        Listener = Start();
    }

    public InMemoryEcgDeviceAuthenticator Authenticator { get; } = new();

    public BlobStore Blobs { get; }

    public CollectingSink Sink { get; } = new();

    public CollectingObserver Observer { get; } = new();

    public EcgStreamServerOptions Options { get; }

    public EcgStreamListener Listener { get; private set; }

    /// <summary>The server behind <see cref="Listener"/>, for other transports (WebSocket).</summary>
    public EcgStreamServer Server { get; private set; } = null!;

    public IPEndPoint EndPoint => Listener.LocalEndPoint;

    /// <summary>Stops the listener (sessions fsync and close) and starts a new server over the same folders.</summary>
    public async Task RestartAsync(Action? whileStopped = null)
    {
        await Listener.DisposeAsync();
        whileStopped?.Invoke();
        Listener = Start();
    }

    /// <summary>A client for the server itself, or for a proxy in front of it on <paramref name="port"/>.</summary>
    public EcgStreamClient Client(int? port = null, int framesPerBlock = 0, int dropEvery = 0) => new(new EcgStreamClientOptions
    {
        Host = "127.0.0.1",
        Port = port ?? EndPoint.Port,
        FramesPerBlock = framesPerBlock,
        DropEvery = dropEvery,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        MaxAttemptsWithoutProgress = 200,
    });

    public static EcgStreamSource Source(EcgRecording recording, int samplesPerLead, Guid? recordingId = null, string token = Token) =>
        EcgStreamSource.FromRecording(recording, recordingId ?? Guid.NewGuid(), DeviceId, token,
            new DateTime(2026, 11, 26, 8, 30, 0, DateTimeKind.Utc), "P-0042", samplesPerLead);

    /// <summary>The durable samples of a recording, read back from its segment file.</summary>
    public short[] SegmentSamples(EcgStreamSource source)
    {
        using var segment = EcgSegment.OpenOrCreate(Options.SegmentRoot, source.Hello, new EcgDevice(DeviceId, InstitutionId));
        var result = new List<short>();
        segment.ReadBlocks((_, block) => result.AddRange(block));
        return [.. result];
    }

    public string SegmentDirectory(Guid recordingId) => EcgSegment.DirectoryOf(Options.SegmentRoot, recordingId);

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        _temp.Dispose();
    }

    private EcgStreamListener Start()
    {
        Server = new EcgStreamServer(Options, Authenticator, Blobs, _sink ?? Sink, Observer);
        return EcgStreamListener.Start(Server, new IPEndPoint(IPAddress.Loopback, 0));
    }
}
