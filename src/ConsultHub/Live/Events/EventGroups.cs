namespace Telemed.ConsultHub.Live.Events;

/// <summary>
/// The SignalR groups of <see cref="CaseEventsHub"/>. A connection joins the groups its caller's scope allows
/// (<see cref="Auth.AccessScope"/>); an event goes to the groups allowed to see it, each connection receiving it once.
/// </summary>
internal static class EventGroups
{
    /// <summary>One user: alerts addressed to them, their worklist count.</summary>
    public static string User(string userId) => "user:" + userId;

    /// <summary>A community's readers: every case of the community or routed to it (the pool and worklists).</summary>
    public static string Readers(string communityId) => "readers:" + communityId;

    /// <summary>The staff of one institution: the cases it requested.</summary>
    public static string Institution(string communityId, string institutionId) => $"staff:{communityId}:{institutionId}";

    /// <summary>A community's admins: its cases' progress (no patient data in the events).</summary>
    public static string Admins(string communityId) => "admins:" + communityId;
}
