using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.DeviceGateway.Devices;
using Telemed.DeviceGateway.Hosting;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>The device registry through the API, and that the gateway obeys a change at once (echoscu against the real listener).</summary>
[Collection(ApiCollection.Name)]
public sealed class AdminDeviceTests(ApiHost host)
{
    private static string Fresh(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task A_registered_device_is_admitted_and_a_disabled_one_refused_without_restart()
    {
        using HttpClient admin = host.ClientAs("a-admin");
        string ae = Fresh("ECHO").ToUpperInvariant()[..12];
        using HttpResponseMessage created = await admin.PostAsJsonAsync("/api/devices", new
        {
            id = Fresh("dev-"),
            name = "Township DR",
            kind = "DigitalRadiography",
            institutionId = ApiHost.TownA,
            aeTitle = ae,
            allowedAddresses = new[] { "127.0.0.0/8", "::1" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        JsonElement device = (await JsonAsync(created)).GetProperty("device");
        string id = device.GetProperty("id").GetString()!;
        int port = host.Services.GetRequiredService<GatewayService>().DicomEndPoint.Port;

        (int exit, string output) = await EchoAsync(ae, port);
        Assert.True(exit == 0, output);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/devices/{id}/disable", null)).StatusCode);
        (exit, output) = await EchoAsync(ae, port);
        Assert.True(exit != 0, output);
        Assert.Contains("Calling AE Title Not Recognized", output, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/devices/{id}/enable", null)).StatusCode);
        (exit, output) = await EchoAsync(ae, port);
        Assert.True(exit == 0, output);

        // Moving the device's addresses away from loopback refuses it from here.
        using HttpResponseMessage current = await admin.GetAsync($"/api/devices/{id}");
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/devices/{id}") { Content = JsonContent.Create(new { allowedAddresses = new[] { "10.1.2.0/24" } }) };
        put.Headers.IfMatch.Add(current.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(put)).StatusCode);
        (exit, output) = await EchoAsync(ae, port);
        Assert.True(exit != 0, output);
    }

    [Fact]
    public async Task A_device_token_is_returned_once_kept_as_its_hash_and_rotation_invalidates_the_old_one()
    {
        using HttpClient admin = host.ClientAs("a-admin");
        string id = Fresh("ecg-");
        using HttpResponseMessage created = await admin.PostAsJsonAsync("/api/devices", new
        {
            id,
            name = "Village ECG cart",
            kind = "EcgCart",
            institutionId = ApiHost.VillageA,
            issueToken = true,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string token = (await JsonAsync(created)).GetProperty("token").GetString()!;
        Assert.True(token.Length >= 40);

        DeviceRegistry registry = host.Services.GetRequiredService<GatewayService>().Devices;
        var authenticator = new CatalogEcgDeviceAuthenticator(registry);
        Assert.NotNull(await authenticator.AuthenticateAsync(id, token, CancellationToken.None));
        await using (CatalogDbContext catalog = host.Services.GetRequiredService<Func<CatalogDbContext>>()())
        {
            Device stored = catalog.Devices.Single(d => d.Id == id);
            Assert.Equal(DeviceTokens.Hash(token), stored.TokenHash);
            Assert.DoesNotContain(token, stored.TokenHash, StringComparison.Ordinal);
        }

        string read = await admin.GetStringAsync($"/api/devices/{id}");
        Assert.DoesNotContain(token, read, StringComparison.Ordinal);
        Assert.Contains("\"hasToken\":true", read, StringComparison.Ordinal);

        using HttpResponseMessage rotated = await admin.PostAsync($"/api/devices/{id}/token", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        string second = (await JsonAsync(rotated)).GetProperty("token").GetString()!;
        Assert.NotEqual(token, second);
        Assert.Null(await authenticator.AuthenticateAsync(id, token, CancellationToken.None));
        Assert.NotNull(await authenticator.AuthenticateAsync(id, second, CancellationToken.None));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/devices/{id}/disable", null)).StatusCode);
        Assert.Null(await authenticator.AuthenticateAsync(id, second, CancellationToken.None));
    }

    [Fact]
    public async Task Validation_uniqueness_and_etags()
    {
        using HttpClient admin = host.ClientAs("a-admin");
        string ae = Fresh("U").ToUpperInvariant();
        string id = Fresh("dev-");
        var request = new { id, name = "CR", kind = "ComputedRadiography", institutionId = ApiHost.CountyA, aeTitle = ae, allowedAddresses = new[] { "192.168.10.0/24" } };
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/devices", request)).StatusCode);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/devices", request), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/devices", request with { id = Fresh("dev-") }), HttpStatusCode.Conflict);

        using HttpResponseMessage invalid = await admin.PostAsJsonAsync("/api/devices", new
        {
            id = Fresh("dev-"),
            name = "bad",
            kind = "DigitalRadiography",
            institutionId = ApiHost.CountyA,
            aeTitle = "MUCH_TOO_LONG_AE_TITLE",
            allowedAddresses = new[] { "10.0.0.1/8", "not-an-address", "10.0.0.7" },
            maxAssociations = 0,
        });
        await Problems.AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
        JsonElement errors = (await JsonAsync(invalid)).GetProperty("errors");
        Assert.Equal(2, errors.GetProperty("allowedAddresses").GetArrayLength()); // host bits set, and not an address
        Assert.True(errors.TryGetProperty("aeTitle", out _));
        Assert.True(errors.TryGetProperty("maxAssociations", out _));

        // A device at another community's institution cannot be registered by this admin.
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/devices", request with { id = Fresh("dev-"), aeTitle = Fresh("X"), institutionId = ApiHost.TownB }),
            HttpStatusCode.Forbidden);

        using HttpResponseMessage first = await admin.GetAsync($"/api/devices/{id}");
        EntityTagHeaderValue tag = first.Headers.ETag!;
        await Problems.AssertProblemAsync(await admin.PutAsJsonAsync($"/api/devices/{id}", new { name = "renamed" }), (HttpStatusCode)428);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(admin, id, tag, new { name = "renamed" })).StatusCode);
        await Problems.AssertProblemAsync(await PutAsync(admin, id, tag, new { name = "again" }), HttpStatusCode.PreconditionFailed);
        using HttpResponseMessage after = await admin.GetAsync($"/api/devices/{id}");
        Assert.NotEqual(tag, after.Headers.ETag);
        Assert.Equal("renamed", (await JsonAsync(after)).GetProperty("name").GetString());

        string list = await admin.GetStringAsync($"/api/devices?institution={ApiHost.CountyA}");
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(id, await admin.GetStringAsync($"/api/devices?institution={ApiHost.TownA}"), StringComparison.Ordinal);
        Assert.DoesNotContain(id, await host.ClientAs("b-admin").GetStringAsync("/api/devices"), StringComparison.Ordinal);

        using HttpClient auditor = host.ClientAs("a-auditor");
        string audit = await auditor.GetStringAsync($"/api/audit?limit=200&user=a-admin");
        Assert.Contains($"device/{id}", audit, StringComparison.Ordinal);
        Assert.Contains("device.update", audit, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string id, EntityTagHeaderValue tag, object body)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/devices/{id}") { Content = JsonContent.Create(body) };
        put.Headers.IfMatch.Add(tag);
        return await client.SendAsync(put);
    }

    private static async Task<(int ExitCode, string Output)> EchoAsync(string callingAe, int port)
    {
        var start = new ProcessStartInfo("echoscu") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-v", "-aet", callingAe, "-aec", "TELEMED", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
