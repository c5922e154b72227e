using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.ConsultHub.Live.Calls;
using Telemed.ConsultHub.Live.Ecg;
using Telemed.Grains.Cases;
using Telemed.Grains.Consults;
using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Live.Consults;

/// <summary>
/// /hubs/consult: the consult session of a case. Join(caseId, lastSeenSequence) is authorized per case (the requesting
/// institution's staff, the assigned reader, the community's admins, and users invited into the session from the
/// case's community) and answers with the messages the client has not seen; after that, messages, receipts, presence
/// and typing arrive live. A client that reconnects joins again with the last sequence it saw and gets exactly what it
/// missed. Joining and reading history are audited as patient-data reads, sending as a change.
/// A case's live ECG (a device streaming through the gateway, or a browser-attached device calling PublishEcg) reaches
/// the connections that called WatchEcg for the case, authorized as Join is, as "EcgSamples" batches.
/// </summary>
/// <remarks>
/// The connection is added to the session's group before the history is read, so a message posted meanwhile is never
/// lost; it may then arrive both in the answer and live, and a client keeps only sequences above the last it has.
/// Pushes of two senders' messages may overtake each other: a client orders by sequence and fills a gap with History
/// (as telemed consult chat does).
/// </remarks>
[Authorize]
public sealed class ConsultSessionHub(
    IGrainFactory grains, IInstitutionDirectory institutions, UserDirectory users, AuditTrail audit, IceServerOptions iceServers, TimeProvider clock)
    : Hub<IConsultClient>
{
    /// <summary>At most this many messages in one answer.</summary>
    public const int HistoryPage = 500;

    /// <summary>A browser-attached device sends at most this many samples per lead in one batch (2 s at 500 Hz).</summary>
    public const int MaxPublishedFrames = 1000;

    /// <summary>Streams of one connection the hub analyses (PublishEcg without beats); further ones are relayed as sent.</summary>
    private const int MaxAnalysedStreams = 4;

    private const string SessionsItem = "consults";
    private const string EcgItem = "ecg";

    private static readonly string[] SignalKinds = ["offer", "answer", "ice-candidate", "renegotiate", "hang-up"];

    public async Task<ConsultJoined> Join(Guid caseId, long afterSequence)
    {
        Caller caller = CurrentCaller();
        JoinedSession session = await AuthorizeAsync(caller, caseId, "consult.join");
        IConsultSessionGrain grain = Session(caseId);
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(caseId));
        Sessions()[caseId] = session;
        IReadOnlyList<string> present = await grain.JoinAsync(caller.UserId, Context.ConnectionId);
        IReadOnlyList<ConsultMessage> messages = await grain.HistoryAsync(afterSequence, HistoryPage + 1);
        IReadOnlyList<ConsultReceipt> receipts = await grain.ReceiptsAsync();
        await AuditAsync("consult.join", session, "ok");
        await Clients.OthersInGroup(Group(caseId)).Presence(new ConsultPresence(caseId, present, caller.UserId, "joined"));
        return new ConsultJoined(caseId, present, [.. messages.Take(HistoryPage)], receipts, messages.Count > HistoryPage);
    }

    public async Task Leave(Guid caseId)
    {
        if (Sessions().TryRemove(caseId, out _))
        {
            await LeaveSessionAsync(caseId);
        }
    }

    /// <summary>Messages after a sequence, in order (a page of at most <see cref="HistoryPage"/>).</summary>
    public async Task<IReadOnlyList<ConsultMessage>> History(Guid caseId, long afterSequence)
    {
        JoinedSession session = Require(caseId);
        IReadOnlyList<ConsultMessage> messages = await Session(caseId).HistoryAsync(afterSequence, HistoryPage);
        await AuditAsync("consult.history", session, "ok");
        return messages;
    }

    /// <summary>Sends a chat line; the answer (and every participant's "Message") carries its sequence number.</summary>
    public async Task<ConsultMessage> Send(Guid caseId, string text)
    {
        JoinedSession session = Require(caseId);
        ConsultMessage message;
        try
        {
            message = await Session(caseId).PostAsync(CurrentCaller().UserId, text);
        }
        catch (ArgumentException e)
        {
            throw new HubException(e.Message);
        }

        await Clients.Group(Group(caseId)).Message(message);
        await AuditAsync("consult.message", session, "ok");
        return message;
    }

    /// <summary>The caller has received every message through <paramref name="throughSequence"/>.</summary>
    public Task<ConsultReceipt> Delivered(Guid caseId, long throughSequence) => AcknowledgeAsync(caseId, throughSequence, 0);

    /// <summary>The caller has read every message through <paramref name="throughSequence"/> (implies delivered).</summary>
    public Task<ConsultReceipt> Read(Guid caseId, long throughSequence) => AcknowledgeAsync(caseId, 0, throughSequence);

    public async Task Typing(Guid caseId, bool typing)
    {
        Require(caseId);
        await Clients.OthersInGroup(Group(caseId)).Typing(new ConsultTyping(caseId, CurrentCaller().UserId, typing));
    }

    /// <summary>Invites a user of the case's community (not an auditor) into the session; they are told live.</summary>
    public async Task Invite(Guid caseId, string userId)
    {
        JoinedSession session = Require(caseId);
        UserAccount? user = await users.FindAsync(userId);
        if (user is null || !user.Enabled || user.Role == UserRole.Auditor
            || (user.CommunityId != session.CommunityId && user.CommunityId != session.RoutedCommunityId))
        {
            await AuditAsync("consult.invite", session, "denied");
            throw new HubException($"{userId} cannot be invited: only active users of the case's community, other than auditors, can join its consult");
        }

        await Session(caseId).InviteAsync(userId, CurrentCaller().UserId);
        await AuditAsync("consult.invite", session, "ok");
        await Clients.User(userId).Invited(new ConsultInvitation(caseId, CurrentCaller().UserId));
    }

    /// <summary>The STUN/TURN servers for this caller's RTCPeerConnection (TURN credentials short-lived, per user).</summary>
    public IReadOnlyList<IceServer> IceServers() => iceServers.For(CurrentCaller().UserId, clock.GetUtcNow());

    /// <summary>
    /// Relays WebRTC signalling (offer, answer, ice-candidate, renegotiate, hang-up) to another participant present in
    /// the session; for a small group every pair signals. Media never passes through the hub.
    /// </summary>
    public async Task Signal(Guid caseId, string toUserId, string kind, string payload)
    {
        Require(caseId);
        if (!SignalKinds.Contains(kind))
        {
            throw new HubException($"unknown signal '{kind}': one of {string.Join(", ", SignalKinds)}");
        }

        string from = CurrentCaller().UserId;
        if (toUserId == from || !(await Session(caseId).PresentAsync()).Contains(toUserId))
        {
            throw new HubException($"{toUserId} is not in the consult on case {caseId}");
        }

        await Clients.User(toUserId).Signal(new CallSignal(caseId, from, toUserId, kind, payload ?? string.Empty));
    }

    /// <summary>
    /// Starts the live ECG of the case on this connection ("EcgSamples"), for whoever may join its consult; audited as a
    /// patient-data read. Batches carry a sequence per stream: after a reconnect, call again and keep sequences above
    /// the last one seen.
    /// </summary>
    public async Task WatchEcg(Guid caseId)
    {
        JoinedSession session = await AuthorizeEcgAsync(caseId, "consult.ecg.watch");
        await Groups.AddToGroupAsync(Context.ConnectionId, EcgLiveRelay.Group(caseId));
        await AuditAsync("consult.ecg.watch", session, "ok");
    }

    public async Task UnwatchEcg(Guid caseId) => await Groups.RemoveFromGroupAsync(Context.ConnectionId, EcgLiveRelay.Group(caseId));

    /// <summary>
    /// A browser-attached device's batch, relayed to the case's other watchers; the caller must be allowed to join the
    /// consult (checked and audited at its first batch per case). Samples are µV, one array per lead, all of one length.
    /// </summary>
    public async Task PublishEcg(Guid caseId, EcgLiveBatch batch)
    {
        string? problem = batch is null ? "missing" : Check(batch);
        if (problem is not null)
        {
            throw new HubException("invalid ECG batch: " + problem);
        }

        JoinedSession session = await AuthorizeEcgAsync(caseId, "consult.ecg.publish");
        if (Context.Items.TryAdd("ecg.published:" + caseId.ToString("N"), true))
        {
            await AuditAsync("consult.ecg.publish", session, "ok");
        }

        EcgLiveBatch relayed = batch! with { CaseId = caseId, Beats = batch.Beats ?? [] };
        if ((batch.Beats is null || batch.Beats.Count == 0) && batch.HeartRate is null)
        {
            // A device that only samples: the hub runs the streaming detector on it, as it does for gateway streams.
            relayed = AnalyzeBrowserStream(relayed);
        }

        await Clients.GroupExcept(EcgLiveRelay.Group(caseId), Context.ConnectionId).EcgSamples(relayed);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (Guid caseId in Sessions().Keys.ToList())
        {
            if (Sessions().TryRemove(caseId, out _))
            {
                await LeaveSessionAsync(caseId);
            }
        }

        await base.OnDisconnectedAsync(exception);
    }

    private async Task<ConsultReceipt> AcknowledgeAsync(Guid caseId, long delivered, long read)
    {
        Require(caseId);
        ConsultReceipt receipt = await Session(caseId).AcknowledgeAsync(CurrentCaller().UserId, delivered, read);
        await Clients.Group(Group(caseId)).Receipt(receipt);
        return receipt;
    }

    private async Task LeaveSessionAsync(Guid caseId)
    {
        string userId = CurrentCaller().UserId;
        IReadOnlyList<string> present = await Session(caseId).LeaveAsync(userId, Context.ConnectionId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(caseId));
        await Clients.Group(Group(caseId)).Presence(new ConsultPresence(caseId, present, userId, "left"));
    }

    /// <summary>The join rule for a case's live ECG, decided once per connection and case.</summary>
    private async Task<JoinedSession> AuthorizeEcgAsync(Guid caseId, string action)
    {
        if (Ecg().TryGetValue(caseId, out JoinedSession? known))
        {
            return known;
        }

        JoinedSession session = await AuthorizeAsync(CurrentCaller(), caseId, action);
        Ecg()[caseId] = session;
        return session;
    }

    private EcgLiveBatch AnalyzeBrowserStream(EcgLiveBatch batch)
    {
        string key = "ecg.analysis:" + batch.CaseId.ToString("N") + ":" + batch.StreamId;
        if (!Context.Items.TryGetValue(key, out object? held) && Context.Items.Keys.Count(k => k is string s && s.StartsWith("ecg.analysis:", StringComparison.Ordinal)) >= MaxAnalysedStreams)
        {
            return batch; // a connection does not get unbounded detector state
        }

        var analysis = held as EcgBrowserAnalysis;
        EcgLiveBatch analysed = EcgBrowserAnalysis.Analyze(ref analysis, batch);
        Context.Items[key] = analysis;
        return analysed;
    }

    private static string? Check(EcgLiveBatch batch)
    {
        if (string.IsNullOrEmpty(batch.StreamId) || batch.StreamId.Length > 64)
        {
            return "streamId must be 1 to 64 characters";
        }

        if (batch.SamplingRate is < 1 or > 10_000 || batch.Leads is null || batch.Leads.Count is < 1 or > 16 || batch.Samples is null
            || batch.Samples.Length != batch.Leads.Count)
        {
            return "1 to 16 leads, as many sample arrays as leads, a sampling rate of 1 to 10000 Hz";
        }

        int length = batch.Samples[0]?.Length ?? -1;
        if (length > MaxPublishedFrames || batch.Samples.Any(s => s is null || s.Length != length) || batch.FirstSample < 0)
        {
            return $"every lead needs the same number of samples (at most {MaxPublishedFrames}) from a first sample of 0 or more";
        }

        if (batch.Beats is not null && (batch.Beats.Count > MaxPublishedFrames || batch.Beats.Any(b => b is null || b.Label is null || b.Label.Length > 8)))
        {
            return $"at most {MaxPublishedFrames} beats, each with a label of up to 8 characters";
        }

        return null;
    }

    /// <summary>Loads the case and applies the join rule; a refusal is audited and thrown as a HubException the client sees.</summary>
    private async Task<JoinedSession> AuthorizeAsync(Caller caller, Guid caseId, string action)
    {
        CaseView view;
        try
        {
            view = await grains.GetGrain<ICaseGrain>(caseId).GetAsync();
        }
        catch (KeyNotFoundException)
        {
            await audit.RecordAsync(Http(), action, Resource(caseId), (string?)null, "not-found");
            throw new HubException($"no case {caseId}");
        }

        var scope = new AccessScope(caller, institutions);
        bool inCaseCommunity = caller.CommunityId == view.CommunityId || caller.CommunityId == view.RoutedCommunityId;
        bool allowed = (scope.IsStaff && scope.CanReadCase(view))
            || (scope.IsReader && view.AssignedReaderId == caller.UserId)
            || (scope.IsAdmin && inCaseCommunity)
            || (!scope.IsAuditor && inCaseCommunity && await Session(caseId).IsInvitedAsync(caller.UserId));
        var session = new JoinedSession(caseId, view.PatientId, view.CommunityId, view.RoutedCommunityId);
        if (!allowed)
        {
            await AuditAsync(action, session, "denied");
            throw new HubException($"you may not join the consult on case {caseId}: it is open to the requesting institution's staff, "
                + "the assigned reader, the community's admins and invited users");
        }

        return session;
    }

    private JoinedSession Require(Guid caseId) =>
        Sessions().TryGetValue(caseId, out JoinedSession? session)
            ? session
            : throw new HubException($"join the consult on case {caseId} first");

    private Task AuditAsync(string action, JoinedSession session, string outcome) =>
        audit.RecordAsync(Http(), action, Resource(session.CaseId), session.PatientId, outcome, session.CommunityId);

    private ConcurrentDictionary<Guid, JoinedSession> Sessions() =>
        (ConcurrentDictionary<Guid, JoinedSession>)(Context.Items.TryGetValue(SessionsItem, out object? sessions) && sessions is not null
            ? sessions
            : Context.Items[SessionsItem] = new ConcurrentDictionary<Guid, JoinedSession>());

    private ConcurrentDictionary<Guid, JoinedSession> Ecg() =>
        (ConcurrentDictionary<Guid, JoinedSession>)(Context.Items.TryGetValue(EcgItem, out object? watched) && watched is not null
            ? watched
            : Context.Items[EcgItem] = new ConcurrentDictionary<Guid, JoinedSession>());

    private Caller CurrentCaller() => Caller.From(Context.User!) ?? throw new HubException("not signed in");

    private HttpContext Http() => Context.GetHttpContext() ?? throw new InvalidOperationException("a hub connection without HTTP context");

    private IConsultSessionGrain Session(Guid caseId) => grains.GetGrain<IConsultSessionGrain>(caseId);

    internal static string Group(Guid caseId) => "consult:" + caseId.ToString("N");

    internal static string Resource(Guid caseId) => $"consult/{caseId}";

    /// <summary>A session this connection joined, with what its audit entries need.</summary>
    private sealed record JoinedSession(Guid CaseId, string? PatientId, string CommunityId, string RoutedCommunityId);
}
