using System.Collections.Concurrent;
using Telemed.Dicom.Network;

namespace Telemed.Dicom.Tests.Network;

/// <summary>A <see cref="DicomServer"/> on an ephemeral loopback port that records how each association ended.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string AeTitle = "TELEMED";

    private readonly BlockingCollection<AssociationOutcome> outcomes = [];

    public TestServer(IStoreHandler? handler = null, IAssociationPolicy? policy = null, DicomAssociationOptions? association = null)
        : this(new DicomServices { Store = handler, Policy = policy }, o => o with { Association = association ?? DicomAssociationOptions.Default })
    {
    }

    public TestServer(DicomServices services, Func<DicomServerOptions, DicomServerOptions>? configure = null, string aeTitle = AeTitle)
    {
        DicomServerOptions options = new() { AeTitle = aeTitle, ShutdownGracePeriod = TimeSpan.FromSeconds(2) };
        Server = new DicomServer(configure is null ? options : configure(options), services);
        Server.AssociationEnded += (_, outcome) => outcomes.Add(outcome);
        Server.Start();
    }

    public DicomServer Server { get; }

    public int Port => Server.LocalEndPoint.Port;

    /// <summary>The next association that ended, waiting at most <paramref name="timeout"/>.</summary>
    public AssociationOutcome NextOutcome(TimeSpan? timeout = null) =>
        outcomes.TryTake(out AssociationOutcome? outcome, timeout ?? TimeSpan.FromSeconds(30))
            ? outcome
            : throw new TimeoutException("no association ended in time");

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        outcomes.Dispose();
    }
}

/// <summary>A policy from a function, for tests.</summary>
internal sealed class DelegatePolicy(Func<AssociationRequest, AssociationDecision> decide) : IAssociationPolicy
{
    public ValueTask<AssociationDecision> EvaluateAsync(AssociationRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(decide(request));
}
