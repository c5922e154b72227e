using Telemed.ConsultHub.Auth;
using Telemed.Storage.Audit;

namespace Telemed.ConsultHub.Audit;

/// <summary>The host's side of the audit log: fills in who and from where from the HTTP request.</summary>
public sealed class AuditTrail(AuditLog log)
{
    public Task RecordAsync(HttpContext http, string action, string resource, string? patientId, string outcome) =>
        RecordAsync(http, action, resource, [patientId], outcome);

    /// <summary>One entry per patient (a list that showed three patients is three entries), or one without patient.</summary>
    public async Task RecordAsync(HttpContext http, string action, string resource, IEnumerable<string?> patientIds, string outcome)
    {
        ArgumentNullException.ThrowIfNull(http);
        Caller? caller = Caller.From(http.User);
        string address = RemoteAddress(http);
        List<string?> patients = patientIds.Distinct().ToList();
        if (patients.Count == 0)
        {
            patients.Add(null);
        }

        // The request's own cancellation is not passed: an entry for a read that happened must be written.
        await log.AppendManyAsync(patients.Select(patient => new AuditEvent(
            caller?.UserId ?? "-", caller?.CommunityId ?? "-", action, resource, patient, address, outcome)).ToList(), CancellationToken.None);
    }

    public Task RecordAsync(HttpContext http, string userId, string communityId, string action, string resource, string outcome) =>
        log.AppendAsync(new AuditEvent(userId, communityId, action, resource, null, RemoteAddress(http), outcome), CancellationToken.None);

    private static string RemoteAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "-";
}
