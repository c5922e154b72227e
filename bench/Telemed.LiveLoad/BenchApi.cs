using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Telemed.LiveLoad;

/// <summary>
/// Sets a benchmark up the way an installation would, over the REST API as the demo community's admin: township staff
/// users with bearer tokens, cases they open, an ECG cart with its token. Then hands out SignalR connections.
/// </summary>
internal sealed class BenchApi : IDisposable
{
    public const string Township = "township-dongcun";

    private readonly HttpClient admin;
    private readonly Uri hub;

    private BenchApi(HttpClient admin, Uri hub)
    {
        this.admin = admin;
        this.hub = hub;
    }

    public static async Task<BenchApi> SignInAsync(HubUnderTest hub)
    {
        var admin = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using HttpResponseMessage response = await admin.PostAsJsonAsync("/api/auth/login", new { user = "admin-county", password = hub.PasswordOf("admin-county") });
        response.EnsureSuccessStatusCode();
        return new BenchApi(admin, hub.BaseAddress);
    }

    /// <summary>Creates township staff users and a bearer token for each; returns the tokens.</summary>
    public async Task<IReadOnlyList<(string User, string Token)>> StaffAsync(string prefix, int count)
    {
        var users = new (string, string)[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            string id = $"{prefix}-{i:D4}";
            using (HttpResponseMessage created = await admin.PostAsJsonAsync("/api/users", new
            {
                id,
                displayName = "Bench staff " + i,
                role = "TownshipStaff",
                institutionId = Township,
                password = "bench password " + Guid.NewGuid().ToString("N"),
            }, ct))
            {
                await EnsureAsync(created, "create user " + id);
            }

            using HttpResponseMessage issued = await admin.PostAsJsonAsync("/api/tokens", new { user = id, name = "bench" }, ct);
            await EnsureAsync(issued, "token for " + id);
            using JsonDocument body = JsonDocument.Parse(await issued.Content.ReadAsStringAsync(ct));
            users[i] = (id, body.RootElement.GetProperty("token").GetString()!);
        });
        return users;
    }

    /// <summary>A case opened by that staff user for the patient (routing assigns it to the on-duty cardiologist).</summary>
    public async Task<Guid> OpenCaseAsync(string token, string patientId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cases")
        {
            Content = JsonContent.Create(new { patientId, kind = "EcgRead", priority = "Urgent", question = "bench: chest pain" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await admin.SendAsync(request);
        await EnsureAsync(response, "open case");
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("caseId").GetGuid();
    }

    /// <summary>Registers an ECG cart at the township; its token.</summary>
    public async Task<string> CartAsync(string id)
    {
        using HttpResponseMessage created = await admin.PostAsJsonAsync("/api/devices", new { id, name = "bench cart", kind = "EcgCart", institutionId = Township, issueToken = true });
        await EnsureAsync(created, "register " + id);
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>A /hubs/consult connection over WebSockets with the user's bearer token (not started).</summary>
    public HubConnection Connection(string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(hub, "hubs/consult"), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.Headers["Authorization"] = "Bearer " + token;
        })
        .Build();

    public void Dispose() => admin.Dispose();

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
