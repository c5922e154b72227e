using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Telemed.Cli.Hub;

/// <summary>
/// The hub's REST API as the command line uses it: a base address, a bearer token, JSON in and out, and problem
/// details turned into one readable line.
/// </summary>
internal sealed class HubClient : IDisposable
{
    public const string DefaultHub = "http://127.0.0.1:5080";

    private readonly HttpClient http;

    public HubClient(string baseAddress, string? token, HttpMessageHandler? handler = null)
    {
        http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = new Uri(baseAddress.TrimEnd('/') + "/");
        http.Timeout = TimeSpan.FromSeconds(60);
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>--hub, else TELEMED_HUB, else the local hub.</summary>
    public static string HubOf(Options options) =>
        options.Get("--hub") ?? Environment.GetEnvironmentVariable("TELEMED_HUB") ?? DefaultHub;

    /// <summary>--token, else TELEMED_TOKEN (so the token stays out of the shell history).</summary>
    public static string? TokenOf(Options options) =>
        options.Get("--token") ?? Environment.GetEnvironmentVariable("TELEMED_TOKEN");

    public async Task<(JsonElement Body, string? ETag)> GetAsync(string path)
    {
        using HttpResponseMessage response = await http.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        JsonElement body = await ReadAsync(response, $"GET {path}").ConfigureAwait(false);
        return (body, response.Headers.ETag?.ToString());
    }

    public async Task<(JsonElement Body, string? ETag)> SendAsync(HttpMethod method, string path, object? content, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (content is not null)
        {
            request.Content = JsonContent.Create(content);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using HttpResponseMessage response = await http.SendAsync(request).ConfigureAwait(false);
        JsonElement body = await ReadAsync(response, $"{method} {path}").ConfigureAwait(false);
        return (body, response.Headers.ETag?.ToString());
    }

    /// <summary>Signs in with a password and issues a bearer token for this machine (the cookie is used only here).</summary>
    public static async Task<string> IssueTokenAsync(string baseAddress, string user, string password, string tokenName)
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true };
        using var client = new HubClient(baseAddress, null, handler);
        await client.SendAsync(HttpMethod.Post, "api/auth/login", new { user, password }).ConfigureAwait(false);
        (JsonElement issued, _) = await client.SendAsync(HttpMethod.Post, "api/tokens", new { name = tokenName }).ConfigureAwait(false);
        return issued.GetProperty("token").GetString() ?? throw new HubCallException("the hub issued no token");
    }

    public void Dispose() => http.Dispose();

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string call)
    {
        string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        JsonElement body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        if (response.IsSuccessStatusCode)
        {
            return body;
        }

        // RFC 9457 problem details: title, then detail when there is one.
        string reason = body.ValueKind == JsonValueKind.Object
            ? string.Join(": ", new[] { Text(body, "title"), Text(body, "detail") }.Where(s => !string.IsNullOrEmpty(s)))
            : string.Empty;
        throw new HubCallException($"{call}: {(int)response.StatusCode} {response.ReasonPhrase}{(reason.Length > 0 ? " — " + reason : string.Empty)}");
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>A hub call that failed: the message is what the user reads.</summary>
internal sealed class HubCallException(string message) : Exception(message);
