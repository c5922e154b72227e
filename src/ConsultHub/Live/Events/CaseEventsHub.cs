using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Events;

namespace Telemed.ConsultHub.Live.Events;

/// <summary>
/// /hubs/events: live case and worklist events. On connect the caller joins the groups the REST API's scope gives
/// them (<see cref="AccessScope"/>): readers their community's cases, staff their institution's requests, admins
/// their community's cases; everyone their own alerts and worklist count. Auditors get nothing: they read the log.
/// </summary>
[Authorize]
public sealed class CaseEventsHub(IInstitutionDirectory institutions, CommunityFeedBridge bridge, IGrainFactory grains, TimeProvider clock)
    : Hub<ICaseEventsClient>
{
    private const string CommunityItem = "community";
    private const string GroupsItem = "groups";

    public override async Task OnConnectedAsync()
    {
        Caller caller = Caller.From(Context.User!) ?? throw new HubException("not signed in");
        var scope = new AccessScope(caller, institutions);
        List<string> groups = [];
        if (!scope.IsAuditor)
        {
            groups.Add(EventGroups.User(caller.UserId));
        }

        if (scope.IsReader)
        {
            groups.Add(EventGroups.Readers(caller.CommunityId));
        }
        else if (scope.IsStaff && await scope.CanReadPatientDataOfAsync(caller.InstitutionId))
        {
            groups.Add(EventGroups.Institution(caller.CommunityId, caller.InstitutionId));
        }
        else if (scope.IsAdmin)
        {
            groups.Add(EventGroups.Admins(caller.CommunityId));
        }

        foreach (string group in groups)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }

        Context.Items[GroupsItem] = groups;
        if (groups.Count > 0)
        {
            Context.Items[CommunityItem] = caller.CommunityId;
            await bridge.WatchAsync(caller.CommunityId);
        }

        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(CommunityItem, out object? community) && community is string id)
        {
            bridge.Unwatch(id);
        }

        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// After a reconnect: what this connection would have been pushed since the feed position (epoch and sequence of
    /// the last event it saw), in order, by the same rules as the live pushes.
    /// </summary>
    public async Task<MissedEvents> Missed(Guid epoch, long afterSequence)
    {
        Caller caller = Caller.From(Context.User!) ?? throw new HubException("not signed in");
        IReadOnlyList<string> groups = Subscriptions();
        FeedPage page = await grains.GetGrain<ICommunityFeedGrain>(caller.CommunityId).SinceAsync(epoch, afterSequence);
        List<CommunityEvent> mine = [.. page.Events
            .Where(e => CaseEvents.Audience(caller.CommunityId, e).Any(groups.Contains))
            .OrderBy(e => e.Sequence)];
        DateTimeOffset now = clock.GetUtcNow();
        return new MissedEvents(
            page.Epoch,
            page.LastSequence,
            page.Complete,
            [.. mine.OfType<CaseChanged>().Select(c => CaseEvents.From(c, caller.CommunityId, now))],
            [.. mine.OfType<AlertRaised>().Select(a => CaseEvents.From(a, now))],
            [.. mine.OfType<WorklistChanged>().Select(w => CaseEvents.From(w, now))]);
    }

    /// <summary>The groups this connection was put in ("user:…", "readers:…", "staff:…:…", "admins:…").</summary>
    public IReadOnlyList<string> Subscriptions() =>
        Context.Items.TryGetValue(GroupsItem, out object? groups) && groups is List<string> list ? list : [];
}
