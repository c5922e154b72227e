using Telemed.ConsultHub.Auth;
using Telemed.Storage.Audit;

namespace Telemed.ConsultHub.Audit;

/// <summary>The host's side of the audit log: fills in who and from where from the HTTP request.</summary>
public sealed class AuditTrail(AuditLog log)
{
    public Task RecordAsync(HttpContext http, string action, string resource, string? patientId, string outcome, string? dataCommunityId = null) =>
        RecordAsync(http, action, resource, [patientId], outcome, dataCommunityId);

    /// <summary>
    /// One entry per patient (a list that showed three patients is three entries), or one without patient. The entry
    /// goes to the caller's community; when the data belongs to another community (a refused attempt from outside),
    /// a copy goes to that community's log too, so its auditors see who tried.
    /// </summary>
    public async Task RecordAsync(HttpContext http, string action, string resource, IEnumerable<string?> patientIds, string outcome, string? dataCommunityId = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        Caller? caller = Caller.From(http.User);
        string address = RemoteAddress(http);
        List<string?> patients = patientIds.Distinct().ToList();
        if (patients.Count == 0)
        {
            patients.Add(null);
        }

        string callerCommunity = caller?.CommunityId ?? "-";
        string[] communities = dataCommunityId is null || dataCommunityId == callerCommunity ? [callerCommunity] : [callerCommunity, dataCommunityId];
        // The request's own cancellation is not passed: an entry for a read that happened must be written.
        await log.AppendManyAsync(communities.SelectMany(community => patients.Select(patient => new AuditEvent(
            caller?.UserId ?? "-", community, action, resource, patient, address, outcome))).ToList(), CancellationToken.None);
    }

    /// <summary>An entry without patient for a named user (sign-in, tokens, users, reading the log).</summary>
    public Task RecordForAsync(HttpContext http, string userId, string communityId, string action, string resource, string outcome) =>
        log.AppendAsync(new AuditEvent(userId, communityId, action, resource, null, RemoteAddress(http), outcome), CancellationToken.None);

    private static string RemoteAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "-";
}
