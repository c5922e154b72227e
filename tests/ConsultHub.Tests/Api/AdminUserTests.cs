using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Accounts;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>Users administered by their community's admin: ETags, disable/enable taking effect on sessions and tokens, password resets and changes.</summary>
[Collection(ApiCollection.Name)]
public sealed class AdminUserTests(ApiHost host)
{
    private async Task<(string Id, HttpClient Bearer)> FreshUserAsync(UserRole role = UserRole.TownshipStaff, string institution = ApiHost.TownA)
    {
        UserDirectory users = host.Services.GetRequiredService<UserDirectory>();
        string id = "u-" + Guid.NewGuid().ToString("N")[..10];
        Assert.True(await users.CreateAsync(new NewUser(id, id, role, ApiHost.CommunityA, institution, ApiHost.Password)));
        HttpClient bearer = host.CreateClient(new() { HandleCookies = false });
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await users.IssueTokenAsync(id, "test", id)).Secret);
        return (id, bearer);
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string url, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    private async Task<HttpStatusCode> LoginAsync(string id, string password)
    {
        using HttpClient client = host.CreateClient(new() { HandleCookies = true });
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/auth/login", new { user = id, password });
        return response.StatusCode;
    }

    [Fact]
    public async Task The_admin_changes_a_user_against_the_etag_within_the_community()
    {
        (string id, HttpClient self) = await FreshUserAsync();
        using HttpClient _ = self;
        using HttpClient admin = host.ClientAs("a-admin");
        using HttpResponseMessage read = await admin.GetAsync($"/api/users/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        string tag = read.Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await self.GetAsync($"/api/users/{id}")).StatusCode); // oneself
        await Problems.AssertProblemAsync(await self.GetAsync("/api/users/a-admin"), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await host.ClientAs("b-admin").GetAsync($"/api/users/{id}"), HttpStatusCode.Forbidden);

        await Problems.AssertProblemAsync(await PutAsync(admin, $"/api/users/{id}", new { displayName = "孙护士" }, null), (HttpStatusCode)428);
        await Problems.AssertProblemAsync(await PutAsync(admin, $"/api/users/{id}", new { institutionId = ApiHost.TownB }, tag), HttpStatusCode.BadRequest);
        using HttpResponseMessage changed = await PutAsync(admin, $"/api/users/{id}", new { displayName = "孙护士 Nurse Sun", role = "VillageDoctor", institutionId = ApiHost.VillageA }, tag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await Problems.AssertProblemAsync(await PutAsync(admin, $"/api/users/{id}", new { displayName = "lost update" }, tag), HttpStatusCode.PreconditionFailed);

        // The change follows the user's next request: their token now speaks for a village doctor at the village clinic.
        using JsonDocument me = JsonDocument.Parse(await self.GetStringAsync("/api/me"));
        Assert.Equal("VillageDoctor", me.RootElement.GetProperty("role").GetString());
        Assert.Equal(ApiHost.VillageA, me.RootElement.GetProperty("institutionId").GetString());
        Assert.Equal("孙护士 Nurse Sun", me.RootElement.GetProperty("displayName").GetString());
        await Problems.AssertProblemAsync(await PutAsync(host.ClientAs("b-admin"), $"/api/users/{id}", new { displayName = "x" }, "*"), HttpStatusCode.Forbidden);

        // An admin cannot change their own role.
        using HttpResponseMessage own = await admin.GetAsync("/api/users/a-admin");
        await Problems.AssertProblemAsync(await PutAsync(admin, "/api/users/a-admin", new { role = "Auditor" }, own.Headers.ETag!.ToString()), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_their_token_and_session_stop_working_until_enabled()
    {
        (string id, HttpClient bearer) = await FreshUserAsync();
        using HttpClient _ = bearer;
        using HttpClient session = await host.SignedInAsync(id);
        using HttpClient admin = host.ClientAs("a-admin");
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/me")).StatusCode);

        using HttpResponseMessage disabled = await admin.PostAsync($"/api/users/{id}/disable", null);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.False(JsonDocument.Parse(await disabled.Content.ReadAsStringAsync()).RootElement.GetProperty("enabled").GetBoolean());
        await Problems.AssertProblemAsync(await bearer.GetAsync("/api/me"), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await session.GetAsync("/api/me"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(id, ApiHost.Password));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/users/{id}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(id, ApiHost.Password));

        await Problems.AssertProblemAsync(await admin.PostAsync("/api/users/a-admin/disable", null), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/me")).StatusCode);
        await Problems.AssertProblemAsync(await host.ClientAs("b-admin").PostAsync($"/api/users/{id}/disable", null), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await host.ClientAs("a-cardiologist").PostAsync($"/api/users/{id}/disable", null), HttpStatusCode.Forbidden);

        using HttpClient auditor = host.ClientAs("a-auditor");
        string audit = await auditor.GetStringAsync("/api/audit?user=a-admin&limit=100");
        Assert.Contains($"\"resource\":\"user/{id}\"", audit, StringComparison.Ordinal);
        Assert.Contains("user.disable", audit, StringComparison.Ordinal);
        Assert.Contains("user.enable", audit, StringComparison.Ordinal);
        // The other community's admin's attempt is in this community's log too.
        JsonElement attempt = JsonDocument.Parse(await auditor.GetStringAsync("/api/audit?user=b-admin&limit=100")).RootElement.EnumerateArray()
            .First(e => e.GetProperty("resource").GetString() == $"user/{id}");
        Assert.Equal("user.disable", attempt.GetProperty("action").GetString());
        Assert.Equal("forbidden", attempt.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Password_reset_by_the_admin_and_change_by_the_user_follow_the_policy()
    {
        (string id, HttpClient bearer) = await FreshUserAsync();
        using HttpClient _ = bearer;
        using HttpClient admin = host.ClientAs("a-admin");

        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/me")).StatusCode);
        using HttpResponseMessage generated = await admin.PostAsJsonAsync($"/api/users/{id}/password", new { });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        // The reset revokes the user's tokens: whoever may have had the old credentials is out.
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/me")).StatusCode);
        string oneTime = JsonDocument.Parse(await generated.Content.ReadAsStringAsync()).RootElement.GetProperty("password").GetString()!;
        Assert.Null(PasswordPolicy.Check(id, oneTime));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(id, ApiHost.Password));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(id, oneTime));

        using HttpResponseMessage weak = await admin.PostAsJsonAsync($"/api/users/{id}/password", new { password = "short" });
        await Problems.AssertProblemAsync(weak, HttpStatusCode.BadRequest);
        using HttpResponseMessage given = await admin.PostAsJsonAsync($"/api/users/{id}/password", new { password = "an admin chosen password" });
        Assert.Equal(HttpStatusCode.OK, given.StatusCode);
        Assert.DoesNotContain("an admin chosen password", await given.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(id, "an admin chosen password"));

        // The user signs in again and changes their own: the current one is required, the new one must pass the policy.
        using HttpClient user = host.CreateClient(new() { HandleCookies = true });
        Assert.Equal(HttpStatusCode.OK, (await user.PostAsJsonAsync("/api/auth/login", new { user = id, password = "an admin chosen password" })).StatusCode);
        await Problems.AssertProblemAsync(await user.PostAsJsonAsync("/api/me/password", new { currentPassword = "wrong password!", newPassword = "my very own password" }),
            HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await user.PostAsJsonAsync("/api/me/password", new { currentPassword = "an admin chosen password", newPassword = "aaaaaaaaaaaaaaaa" }),
            HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent,
            (await user.PostAsJsonAsync("/api/me/password", new { currentPassword = "an admin chosen password", newPassword = "my very own password" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(id, "an admin chosen password"));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(id, "my very own password"));

        await Problems.AssertProblemAsync(await host.ClientAs("b-admin").PostAsJsonAsync($"/api/users/{id}/password", new { }), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await admin.PostAsJsonAsync("/api/users/no-such-user/password", new { }), HttpStatusCode.NotFound);
    }
}
