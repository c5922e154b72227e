using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Telemed.Dicom.Network;

/// <summary>
/// A DICOM listener: accepts TCP connections (with a backlog), optionally secured with TLS (PS3.15 §B.1), runs one
/// task per association that negotiates (called AE, association limit, then the caller's <see cref="IAssociationPolicy"/>)
/// and serves C-ECHO plus whatever <see cref="DicomServices"/> provides: C-STORE, C-FIND, Storage Commitment.
/// Each association's end is reported on <see cref="AssociationEnded"/>; a broken or hostile peer only ever ends its
/// own association.
/// </summary>
public sealed class DicomServer : IAsyncDisposable
{
    private readonly DicomServerOptions options;
    private readonly DicomServices services;
    private readonly HashSet<string> sopClasses;
    private readonly HashSet<string> transferSyntaxes;
    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenSource aborting = new();
    private readonly ConcurrentDictionary<long, Task> running = new();
    private Socket? listener;
    private Task? acceptLoop;
    private long nextId;
    private int active;
    private volatile bool listenerClosed;

    public DicomServer(DicomServerOptions options, IStoreHandler? storeHandler = null, IAssociationPolicy? policy = null)
        : this(options, new DicomServices { Store = storeHandler, Policy = policy })
    {
    }

    public DicomServer(DicomServerOptions options, DicomServices services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        this.options = options;
        this.services = services;
        sopClasses = [.. options.SopClasses, StorageSopClasses.Verification];
        if (services.Find is not null)
        {
            sopClasses.Add(FindSopClasses.ModalityWorklist);
            sopClasses.UnionWith(options.FindSopClasses);
        }

        if (services.StorageCommitment is not null || services.StorageCommitmentReports is not null)
        {
            sopClasses.Add(StorageCommitmentSopClasses.PushModel);
        }

        transferSyntaxes = [.. options.TransferSyntaxes];
    }

    /// <summary>Raised once per connection when its association has ended (released, rejected or aborted).</summary>
    public event EventHandler<AssociationOutcome>? AssociationEnded;

    public IPEndPoint LocalEndPoint => (IPEndPoint)(listener ?? throw new InvalidOperationException("server not started")).LocalEndPoint!;

    public int ActiveAssociations => Volatile.Read(ref active);

    public void Start()
    {
        if (listener is not null)
        {
            throw new InvalidOperationException("server already started");
        }

        listener = new Socket(options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(options.EndPoint);
        listener.Listen(options.Backlog);
        acceptLoop = AcceptLoopAsync(listener);
    }

    /// <summary>Stops accepting, lets running associations finish for the grace period, then aborts the rest.</summary>
    public async Task StopAsync()
    {
        if (listener is null || stopping.IsCancellationRequested)
        {
            return;
        }

        // Close the listening socket before anything awaits, so no connection is accepted once StopAsync was called.
        listenerClosed = true;
        listener.Dispose();
        await stopping.CancelAsync();
        await acceptLoop!;
        Task all = Task.WhenAll(running.Values);
        if (await Task.WhenAny(all, Task.Delay(options.ShutdownGracePeriod)) != all)
        {
            await aborting.CancelAsync();
            await all;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stopping.Dispose();
        aborting.Dispose();
    }

    private async Task AcceptLoopAsync(Socket socket)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                // StopAsync closed the listening socket.
                return;
            }
            catch (SocketException) when (!listenerClosed)
            {
                // A connection reset before accept completes is the peer's problem, not the listener's.
                continue;
            }
            catch (SocketException)
            {
                return;
            }

            client.NoDelay = true;
            Track(Task.Run(() => ServeAsync(client)));
        }
    }

    private void Track(Task task)
    {
        long id = Interlocked.Increment(ref nextId);
        running[id] = task;
        _ = task.ContinueWith(_ => running.TryRemove(id, out Task? _), TaskScheduler.Default);
    }

    private async Task ServeAsync(Socket socket)
    {
        Interlocked.Increment(ref active);
        EndPoint? remote = socket.RemoteEndPoint;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        AssociationRequest? request = null;
        IDisposable? lease = null;
        AssociationScp? scp = null;
        AssociationOutcome outcome;
        try
        {
            if (options.ServerCertificate is not null)
            {
                stream = await AuthenticateAsync(stream);
            }

            await using DicomAssociation association = await DicomAssociation.AcceptAsync(
                new DuplexStreamPipe(stream),
                async (rq, ct) =>
                {
                    request = rq;
                    (AssociationAcceptance acceptance, lease) = await NegotiateAsync(rq, ct);
                    return acceptance;
                },
                options.Association,
                remote,
                stream,
                aborting.Token);
            scp = new AssociationScp(association, services, options.StorageCommitment);
            await scp.RunAsync(aborting.Token);
            outcome = Outcome(AssociationEnd.Released, null, null, null, null);
        }
        catch (DicomAssociationRejectedException e)
        {
            outcome = Outcome(AssociationEnd.Rejected, e.Rejection, null, null, e.Message);
        }
        catch (DicomAssociationAbortedException e)
        {
            outcome = Outcome(e.ByPeer ? AssociationEnd.AbortedByPeer : AssociationEnd.AbortedLocally, null, e.AbortSource, e.Reason, e.Message);
        }
        catch (Exception e) when (e is AuthenticationException || (e is IOException && stream is not SslStream { IsAuthenticated: true } && request is null && options.ServerCertificate is not null))
        {
            // PS3.15 §B.1: no association without a completed handshake; a plain or untrusted client just gets closed.
            outcome = Outcome(AssociationEnd.AbortedLocally, null, AbortSource.ServiceProvider, AbortReason.NotSpecified, $"TLS handshake failed: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever went wrong stays inside this association; the listener and the others carry on.
            outcome = Outcome(AssociationEnd.AbortedLocally, null, AbortSource.ServiceProvider, AbortReason.NotSpecified, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            lease?.Dispose();
            await stream.DisposeAsync();
            Interlocked.Decrement(ref active);
        }

        if (scp?.PendingReports is { IsCompleted: false } owed)
        {
            // Commitment results still owed go out on a new association later (PS3.4 §J.3.3); StopAsync waits for them too.
            Track(owed);
        }

        AssociationEnded?.Invoke(this, outcome);

        AssociationOutcome Outcome(AssociationEnd end, AssociationRejection? rejection, AbortSource? source, AbortReason? reason, string? detail) =>
            new(remote, request?.CallingAeTitle, request?.CalledAeTitle, end, rejection, source, reason, detail, scp?.MessagesHandled ?? 0);
    }

    private bool AcceptsCommitmentReports(string sopClass) =>
        sopClass == StorageCommitmentSopClasses.PushModel && services.StorageCommitmentReports is not null;

    /// <summary>PS3.15 §B.1: the TLS handshake, bounded by ARTIM like the A-ASSOCIATE-RQ that follows it.</summary>
    private async Task<Stream> AuthenticateAsync(Stream stream)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        var authentication = new SslServerAuthenticationOptions
        {
            ServerCertificate = options.ServerCertificate,
            ClientCertificateRequired = options.ClientCertificates != DicomClientCertificatePolicy.None,
            CertificateChainPolicy = DicomTransport.ChainPolicy(options.TrustedClientCertificates),
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => options.ClientCertificates switch
            {
                DicomClientCertificatePolicy.None => true,
                DicomClientCertificatePolicy.Optional => errors == SslPolicyErrors.None || (certificate is null && errors == SslPolicyErrors.RemoteCertificateNotAvailable),
                _ => errors == SslPolicyErrors.None,
            },
        };
        using var artim = CancellationTokenSource.CreateLinkedTokenSource(aborting.Token);
        artim.CancelAfter(options.Association.ArtimTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(authentication, artim.Token);
        }
        catch (OperationCanceledException) when (artim.IsCancellationRequested && !aborting.IsCancellationRequested)
        {
            await ssl.DisposeAsync();
            throw new AuthenticationException($"no TLS handshake within {options.Association.ArtimTimeout} (ARTIM, PS3.8 §9.1.5)");
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }

        return ssl;
    }

    /// <summary>PS3.8 §9.3.3/§9.3.4: checks in the order a device's misconfiguration is most helpfully reported.</summary>
    private async ValueTask<(AssociationAcceptance, IDisposable?)> NegotiateAsync(AssociationRequest request, CancellationToken cancellationToken)
    {
        if (request.ApplicationContext != AssociationRequest.DicomApplicationContext)
        {
            throw new DicomAssociationRejectedException(AssociationRejection.ApplicationContextNotSupported);
        }

        if (!string.Equals(request.CalledAeTitle, options.AeTitle, StringComparison.Ordinal))
        {
            throw new DicomAssociationRejectedException(AssociationRejection.CalledAeTitleNotRecognized);
        }

        if (ActiveAssociations > options.MaxAssociations)
        {
            throw new DicomAssociationRejectedException(AssociationRejection.LocalLimitExceeded);
        }

        IDisposable? lease = null;
        if (services.Policy is { } policy)
        {
            AssociationDecision decision = await policy.EvaluateAsync(request, cancellationToken);
            if (decision.Rejection is { } rejection)
            {
                throw new DicomAssociationRejectedException(rejection);
            }

            lease = decision.Lease;
        }

        var contexts = new List<PresentationContext>(request.PresentationContexts.Count);
        foreach (PresentationContext proposed in request.PresentationContexts)
        {
            if (!sopClasses.Contains(proposed.AbstractSyntax))
            {
                contexts.Add(proposed with { Result = PresentationContextResult.AbstractSyntaxNotSupported });
                continue;
            }

            string? chosen = proposed.TransferSyntaxes.FirstOrDefault(transferSyntaxes.Contains);
            contexts.Add(chosen is null
                ? proposed with { Result = PresentationContextResult.TransferSyntaxesNotSupported }
                : proposed with { Result = PresentationContextResult.Acceptance, AcceptedTransferSyntax = chosen });
        }

        var acceptance = new AssociationAcceptance
        {
            CalledAeTitle = request.CalledAeTitle,
            CallingAeTitle = request.CallingAeTitle,
            PresentationContexts = contexts,
            // PS3.7 §D.3.3.3: this server performs one operation at a time.
            AsynchronousOperationsWindow = request.AsynchronousOperationsWindow is null ? null : ((ushort)1, (ushort)1),
            // PS3.7 §D.3.3.4: the requestor may be SCU as proposed; this server acts as SCU towards it only to take
            // storage commitment reports, where the SCP that opened the association proposes the SCP role (PS3.4 §J.3.3).
            RoleSelections = [.. request.RoleSelections.Select(r => r with { ScpRole = r.ScpRole && AcceptsCommitmentReports(r.SopClassUid) })],
        };
        return (acceptance, lease);
    }
}
