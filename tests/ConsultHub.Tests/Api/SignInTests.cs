using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Accounts;
using Telemed.Storage.Audit;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class SignInTests(ApiHost host)
{
    [Fact]
    public async Task Password_sign_in_sets_a_strict_http_only_cookie_that_authenticates_until_logout()
    {
        using HttpClient client = host.CreateClient(new() { HandleCookies = true });
        using HttpResponseMessage login = await client.PostAsJsonAsync("/api/auth/login", new { user = "a-cardiologist", password = ApiHost.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        string cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(TelemedAuth.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie.Replace("samesite", string.Empty, StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);

        using JsonDocument me = JsonDocument.Parse(await client.GetStringAsync("/api/me"));
        Assert.Equal("a-cardiologist", me.RootElement.GetProperty("id").GetString());
        Assert.Equal("Cardiologist", me.RootElement.GetProperty("role").GetString());
        Assert.Equal(ApiHost.CommunityA, me.RootElement.GetProperty("communityId").GetString());
        Assert.Equal("password", me.RootElement.GetProperty("authenticatedBy").GetString());

        using HttpResponseMessage logout = await client.PostAsync("/api/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await Problems.AssertProblemAsync(await client.GetAsync("/api/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_cookie_session_and_their_tokens()
    {
        UserDirectory users = host.Services.GetRequiredService<UserDirectory>();
        string id = "disable-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(await users.CreateAsync(new NewUser(id, id, UserRole.Radiologist, ApiHost.CommunityA, ApiHost.CountyA, ApiHost.Password)));
        using HttpClient client = await host.SignedInAsync(id);
        string token = (await users.IssueTokenAsync(id, "cli", id)).Secret;
        using HttpClient bearer = host.CreateClient(new() { HandleCookies = false });
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/me")).StatusCode);

        await using (var catalog = host.Services.GetRequiredService<Func<Telemed.Storage.Catalog.CatalogDbContext>>()())
        {
            catalog.Users.Single(u => u.Id == id).Enabled = false;
            await catalog.SaveChangesAsync();
        }

        await Problems.AssertProblemAsync(await client.GetAsync("/api/me"), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await bearer.GetAsync("/api/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_are_refused_alike_with_problem_details()
    {
        using HttpClient client = host.CreateClient(new() { HandleCookies = true });
        using HttpResponseMessage wrong = await client.PostAsJsonAsync("/api/auth/login", new { user = "a-radiologist", password = "not the password" });
        await Problems.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        using HttpResponseMessage unknown = await client.PostAsJsonAsync("/api/auth/login", new { user = "nobody-here", password = "not the password" });
        await Problems.AssertProblemAsync(unknown, HttpStatusCode.Unauthorized);
        Assert.Equal(await Detail(wrong), await Detail(unknown));
        await Problems.AssertProblemAsync(await client.GetAsync("/api/me"), HttpStatusCode.Unauthorized);

        static async Task<string?> Detail(HttpResponseMessage response) =>
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_then_even_the_right_one_is_refused()
    {
        UserDirectory users = host.Services.GetRequiredService<UserDirectory>();
        string id = "lock-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(await users.CreateAsync(new NewUser(id, id, UserRole.TownshipStaff, ApiHost.CommunityA, ApiHost.TownA, ApiHost.Password)));
        using HttpClient client = host.CreateClient(new() { HandleCookies = true });

        // Four failures leave the account usable; a success resets the count.
        for (int i = 0; i < 4; i++)
        {
            await Problems.AssertProblemAsync(await client.PostAsJsonAsync("/api/auth/login", new { user = id, password = "wrong password " + i }), HttpStatusCode.Unauthorized);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/login", new { user = id, password = ApiHost.Password })).StatusCode);
        for (int i = 0; i < 5; i++)
        {
            await Problems.AssertProblemAsync(await client.PostAsJsonAsync("/api/auth/login", new { user = id, password = "wrong password " + i }), HttpStatusCode.Unauthorized);
        }

        await client.PostAsync("/api/auth/logout", null);
        using HttpResponseMessage locked = await client.PostAsJsonAsync("/api/auth/login", new { user = id, password = ApiHost.Password });
        await Problems.AssertProblemAsync(locked, HttpStatusCode.Unauthorized);
        UserAccount stored = (await users.FindAsync(id))!;
        Assert.True(stored.LockedOutUntil > DateTimeOffset.UtcNow.AddMinutes(14));

        IReadOnlyList<AuditEntry> entries = await host.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(ApiHost.CommunityA, UserId: id));
        Assert.Equal(
            ["failed", "failed", "failed", "failed", "ok", "failed", "failed", "failed", "failed", "locked-out", "locked-out"],
            entries.Where(e => e.Action == "auth.login").OrderBy(e => e.Sequence).Select(e => e.Outcome));
    }

    [Fact]
    public async Task A_token_issued_for_oneself_authenticates_as_bearer_until_revoked()
    {
        using HttpClient cookieClient = await host.SignedInAsync("a-township-staff");
        using HttpResponseMessage issued = await cookieClient.PostAsJsonAsync("/api/tokens", new { name = "laptop CLI" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await issued.Content.ReadAsStringAsync());
        string token = body.RootElement.GetProperty("token").GetString()!;
        string tokenId = body.RootElement.GetProperty("id").GetString()!;

        // Only the hash is stored.
        await using (var catalog = host.Services.GetRequiredService<Func<Telemed.Storage.Catalog.CatalogDbContext>>()())
        {
            ApiToken stored = catalog.ApiTokens.Single(t => t.Id == Guid.Parse(tokenId));
            Assert.Equal(UserDirectory.HashToken(token), stored.TokenHash);
            Assert.DoesNotContain(token, stored.TokenHash, StringComparison.Ordinal);
        }

        using HttpClient bearer = host.CreateClient(new() { HandleCookies = false });
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (JsonDocument me = JsonDocument.Parse(await bearer.GetStringAsync("/api/me")))
        {
            Assert.Equal("a-township-staff", me.RootElement.GetProperty("id").GetString());
            Assert.Equal("token", me.RootElement.GetProperty("authenticatedBy").GetString());
        }

        using HttpResponseMessage listed = await bearer.GetAsync("/api/tokens");
        Assert.Contains("laptop CLI", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await cookieClient.DeleteAsync($"/api/tokens/{tokenId}")).StatusCode);
        using HttpResponseMessage revoked = await bearer.GetAsync("/api/me");
        await Problems.AssertProblemAsync(revoked, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", revoked.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_made_up_bearer_token_is_refused()
    {
        using HttpClient client = host.CreateClient(new() { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "tm_" + new string('x', 43));
        await Problems.AssertProblemAsync(await client.GetAsync("/api/institutions"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("a-admin", "a-township-staff", HttpStatusCode.Created)]  // admin for a user of their community
    [InlineData("a-admin", "b-cardiologist", HttpStatusCode.Forbidden)]  // not across communities
    [InlineData("b-admin", "a-township-staff", HttpStatusCode.Forbidden)]
    [InlineData("a-cardiologist", "a-radiologist", HttpStatusCode.Forbidden)] // only admins issue for others
    [InlineData("a-cardiologist", "a-cardiologist", HttpStatusCode.Created)]
    public async Task Tokens_are_issued_by_the_user_or_their_community_admin(string caller, string forUser, HttpStatusCode expected)
    {
        using HttpClient client = host.ClientAs(caller);
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/tokens", new { name = "device", user = forUser });
        if (expected == HttpStatusCode.Created)
        {
            Assert.Equal(expected, response.StatusCode);
        }
        else
        {
            await Problems.AssertProblemAsync(response, expected);
        }
    }

    [Fact]
    public async Task Every_api_route_answers_an_anonymous_caller_with_401_problem_not_a_redirect()
    {
        using HttpClient client = host.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        foreach (string path in new[] { "/api/me", "/api/institutions", "/api/users", "/api/worklist", "/api/studies", "/api/audit", "/api/audit/verify", $"/api/cases/{Guid.NewGuid()}",
            $"/api/cases/{Guid.NewGuid()}/report", $"/api/cases/{Guid.NewGuid()}/report.html" })
        {
            await Problems.AssertProblemAsync(await client.GetAsync(path), HttpStatusCode.Unauthorized);
        }

        foreach (string action in new[] { "", "/accept", "/reassign", "/cancel", "/report/sign", "/report/amend" })
        {
            string path = action.Length == 0 ? "/api/cases" : $"/api/cases/{Guid.NewGuid()}{action}";
            await Problems.AssertProblemAsync(await client.PostAsync(path, JsonContent.Create(new { reason = "r" })), HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task The_openapi_document_lists_the_api()
    {
        using HttpClient client = host.CreateClient();
        using JsonDocument document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        JsonElement paths = document.RootElement.GetProperty("paths");
        foreach (string path in new[] { "/api/auth/login", "/api/me", "/api/institutions", "/api/users", "/api/cases/{id}", "/api/studies", "/api/audit", "/api/audit/verify",
            "/api/cases", "/api/cases/{id}/accept", "/api/cases/{id}/reassign", "/api/cases/{id}/cancel", "/api/cases/{id}/report",
            "/api/cases/{id}/report/sign", "/api/cases/{id}/report/amend", "/api/cases/{id}/report.html" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar/")).StatusCode);
    }
}
