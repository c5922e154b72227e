using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace Telemed.Viewer.Tests;

/// <summary>
/// How the hub serves the built viewer (ConsultHub Viewer/ViewerHosting.cs), over plain HTTP: the app shell for client
/// routes, never for server routes; hashed assets precompressed and cached for good, the shell revalidated.
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed partial class ViewerHostingTests(ViewerFixture fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/worklist")]
    [InlineData("/cases/5f0c1f4e-8f4a-4c57-9d8e-2a0b7c3e9d11")]
    public async Task Client_routes_get_the_app_shell_revalidated_on_every_load(string path)
    {
        using HttpClient http = fixture.Hub.CreateClient();
        using HttpResponseMessage response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<div id=\"app\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
    }

    [Theory]
    [InlineData("/api/no-such-thing")]
    [InlineData("/hubs/no-such-hub")]
    [InlineData("/dicomweb/no-such-resource")]
    [InlineData("/fhir/NoSuchType")]
    public async Task Unknown_server_paths_stay_404_problems_and_never_become_the_app(string path)
    {
        using HttpClient http = fixture.Hub.CreateClient();
        using HttpResponseMessage response = await http.GetAsync(path);

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{path}: {(int)response.StatusCode}");
        Assert.DoesNotContain("<div id=\"app\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hashed_assets_come_precompressed_when_accepted_and_are_cached_immutably()
    {
        using HttpClient http = fixture.Hub.CreateClient();
        string shell = await http.GetStringAsync("/");
        string script = ScriptOf().Match(shell).Groups[1].Value;
        Assert.StartsWith("/assets/", script, StringComparison.Ordinal);

        using var brotli = new HttpRequestMessage(HttpMethod.Get, script);
        brotli.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using HttpResponseMessage compressed = await http.SendAsync(brotli);
        using HttpResponseMessage plain = await http.GetAsync(script);

        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.Equal(["br"], compressed.Content.Headers.ContentEncoding);
        Assert.Equal("text/javascript", compressed.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        Assert.True(compressed.Headers.CacheControl?.MaxAge >= TimeSpan.FromDays(365), $"Cache-Control: {compressed.Headers.CacheControl}");
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        long br = compressed.Content.Headers.ContentLength ?? 0, raw = plain.Content.Headers.ContentLength ?? 0;
        Assert.True(br > 0 && br < raw / 2, $"brotli {br} bytes, plain {raw} bytes");

        // The compressed bytes are the plain file's.
        byte[] decoded;
        using (var input = new System.IO.Compression.BrotliStream(await compressed.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress))
        using (var output = new MemoryStream())
        {
            await input.CopyToAsync(output);
            decoded = output.ToArray();
        }

        Assert.Equal(await plain.Content.ReadAsByteArrayAsync(), decoded);
    }

    [GeneratedRegex("<script type=\"module\" crossorigin src=\"([^\"]+)\"")]
    private static partial Regex ScriptOf();
}
