using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.Storage.Accounts;
using Telemed.Storage.Audit;
using Telemed.Testing;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// Sign-in attempts are limited per remote address (here 7 per 10 minutes, so the window cannot end during the test):
/// the eighth attempt from an address is 429 with Retry-After even with the right password, other addresses are not
/// affected, and account lockout keeps working underneath.
/// </summary>
public sealed class SignInRateLimitTests(SignInRateLimitTests.ThrottledHost host) : IClassFixture<SignInRateLimitTests.ThrottledHost>
{
    private const int Limit = 7;

    [Fact]
    public async Task Over_the_limit_an_address_is_refused_with_429_and_retry_after_even_with_the_right_password_while_others_sign_in()
    {
        var attacker = IPAddress.Parse("198.51.100.7");
        var colleague = IPAddress.Parse("198.51.100.8");
        UserDirectory users = host.Services.GetRequiredService<UserDirectory>();
        Assert.True(await users.CreateAsync(new NewUser("rl-target", "target", UserRole.TownshipStaff, "rl", "rl-town", ApiHost.Password)));
        Assert.True(await users.CreateAsync(new NewUser("rl-other", "other", UserRole.TownshipStaff, "rl", "rl-town", ApiHost.Password)));

        // Lockout still works under the limit: five wrong passwords lock the account, the right one is then refused (401).
        for (int i = 0; i < 5; i++)
        {
            (int failed, _, JsonElement why) = await LoginAsync(attacker, "rl-target", "wrong password " + i);
            Assert.True(failed == 401, $"{failed} {why}");
        }

        Assert.Equal(401, (await LoginAsync(attacker, "rl-target", ApiHost.Password)).Status);
        // A correct password for an unlocked account is the seventh and last attempt the window allows.
        Assert.Equal(200, (await LoginAsync(attacker, "rl-other", ApiHost.Password)).Status);

        (int status, string? retryAfter, JsonElement body) = await LoginAsync(attacker, "rl-other", ApiHost.Password);
        Assert.Equal(429, status);
        Assert.True(int.TryParse(retryAfter, out int seconds) && seconds is > 0 and <= 600, $"Retry-After: {retryAfter}");
        Assert.Equal(429, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));

        // Another address is not held back by this one.
        Assert.Equal(200, (await LoginAsync(colleague, "rl-other", ApiHost.Password)).Status);

        // Refused attempts never reached the password check: the audit log holds only the seven that did.
        IReadOnlyList<AuditEntry> entries = await host.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery("rl", Limit: 100));
        Assert.Equal(6, entries.Count(e => e.Action == "auth.login" && e.UserId == "rl-target"));
        // The fifth wrong password locks the account (recorded as locked-out), and so is the right one after it.
        Assert.Equal(2, entries.Count(e => e.Action == "auth.login" && e.UserId == "rl-target" && e.Outcome == "locked-out"));
        Assert.Equal(2, entries.Count(e => e.Action == "auth.login" && e.UserId == "rl-other" && e.Outcome == "ok"));
        Assert.Equal([attacker.ToString(), colleague.ToString()], entries.Select(e => e.RemoteAddress).Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>A login request from the given client address (the test host takes it from <see cref="ThrottledHost.ClientAddressHeader"/>).</summary>
    private async Task<(int Status, string? RetryAfter, JsonElement Body)> LoginAsync(IPAddress from, string user, string password)
    {
        using HttpClient client = host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { user, password }) };
        request.Headers.Add(ThrottledHost.ClientAddressHeader, from.ToString());
        using HttpResponseMessage response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonElement body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, response.Headers.RetryAfter?.ToString(), body);
    }

    /// <summary>A hub of its own with the low limit; no seeded community, only what the test makes.</summary>
    public sealed class ThrottledHost : WebApplicationFactory<Program>, IAsyncLifetime
    {
        private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "telemed-ratelimit-" + Guid.NewGuid().ToString("N"));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Telemed:DataDirectory", dataDirectory);
            builder.UseSetting("Telemed:Http", "http://127.0.0.1:0");
            builder.UseSetting("Telemed:DicomPort", $"{FreePorts.Next()}");
            builder.UseSetting("Telemed:EcgStreamPort", $"{FreePorts.Next()}");
            builder.UseSetting("Telemed:SiloPort", $"{FreePorts.Next()}");
            builder.UseSetting("Telemed:OrleansGatewayPort", $"{FreePorts.Next()}");
            builder.UseSetting("Telemed:Demo", "false");
            builder.UseSetting("Telemed:SignInPermitLimit", $"{Limit}");
            builder.UseSetting("Telemed:SignInWindow", "00:10:00");
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
        }

        /// <summary>TestServer has no client address of its own; the test names the one each request comes from.</summary>
        public const string ClientAddressHeader = "X-Test-Client-Address";

        public Task InitializeAsync()
        {
            _ = Server; // starts the host
            return Task.CompletedTask;
        }

        async Task IAsyncLifetime.DisposeAsync()
        {
            await base.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // a file still held by a failing test; the OS cleans the temp folder
            }
        }
    }

    /// <summary>First in the pipeline (before the rate limiter), sets the connection's remote address from the test header.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ThrottledHost.ClientAddressHeader], out IPAddress? address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
