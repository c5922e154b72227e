using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Telemed.Cli.Hub;

namespace Telemed.Cli.Upload;

/// <summary>
/// The client side of the hub's resumable uploads (/api/uploads): declares the file (name, length, SHA-256), sends it
/// in chunks at the offset the hub confirms, and after a network error waits (exponential backoff) and asks the hub
/// for its offset (HEAD) before going on, so a 3G link that drops mid-chunk loses only the unconfirmed bytes.
/// </summary>
internal sealed class ResumableUpload : IDisposable
{
    private static readonly string[] ProblemFields = ["title", "detail"];

    private readonly HttpClient http;
    private readonly UploadSettings settings;
    private readonly UploadProgress progress;

    public ResumableUpload(string hub, string token, UploadSettings settings, UploadProgress progress, HttpMessageHandler? handler = null)
    {
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = new Uri(hub.TrimEnd('/') + "/");
        http.Timeout = settings.RequestTimeout;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        this.settings = settings;
        this.progress = progress;
    }

    /// <summary>Printed when the upload is created, so an interrupted run can be continued with --resume.</summary>
    public event Action<string>? Created;

    /// <summary>Network errors retried so far (for the summary line and tests).</summary>
    public int Retries { get; private set; }

    /// <summary>Uploads the file (or resumes <paramref name="resumeId"/>) and returns the hub's final view of the upload.</summary>
    public async Task<JsonElement> RunAsync(string path, string? resumeId, string? patientId, CancellationToken cancellationToken)
    {
        long length = new FileInfo(path).Length;
        string sha256;
        await using (FileStream hashing = File.OpenRead(path))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashing, cancellationToken).ConfigureAwait(false));
        }

        string id = resumeId ?? await CreateAsync(path, length, sha256, patientId, cancellationToken).ConfigureAwait(false);
        Created?.Invoke(id);
        string url = $"api/uploads/{Uri.EscapeDataString(id)}";
        progress.Start(length);
        await using FileStream file = File.OpenRead(path);
        long? offset = resumeId is null ? 0 : null;
        int failures = 0;
        while (true)
        {
            try
            {
                if (offset is null || offset >= length)
                {
                    // Unknown (after an error), or all sent: the hub says where it is, and the result once it has one.
                    (offset, JsonElement? final) = await OffsetAsync(url, length, sha256, cancellationToken).ConfigureAwait(false);
                    if (final is JsonElement done)
                    {
                        progress.Finish(length);
                        return done;
                    }
                }

                long at = offset.Value;
                int size = (int)Math.Min(settings.ChunkSize, length - at);
                using var request = new HttpRequestMessage(HttpMethod.Patch, url)
                {
                    Content = new StreamContent(new ChunkStream(file, at, size, n => progress.Report(at + n))),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
                request.Content.Headers.ContentLength = size;
                request.Headers.TryAddWithoutValidation("Upload-Offset", at.ToString(CultureInfo.InvariantCulture));
                using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    progress.Finish(length);
                    return await Json(response, cancellationToken).ConfigureAwait(false);
                }

                if (response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Conflict && HeaderOffset(response) is long next)
                {
                    offset = next;
                    progress.Report(next);
                    failures = 0;
                    continue;
                }

                if ((int)response.StatusCode >= 500)
                {
                    throw new HttpRequestException($"the hub answered {(int)response.StatusCode}", null, response.StatusCode);
                }

                throw new HubCallException(await ProblemAsync(response, $"PATCH {url}").ConfigureAwait(false));
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                if (++failures > settings.MaxRetries)
                {
                    throw new HubCallException($"gave up after {settings.MaxRetries} retries: {e.Message}; continue later with --resume {id}");
                }

                Retries++;
                TimeSpan wait = TimeSpan.FromTicks(Math.Min(settings.MaxBackoff.Ticks, settings.InitialBackoff.Ticks << Math.Min(failures - 1, 20)));
                progress.Note($"network error ({e.Message}); retry {failures}/{settings.MaxRetries} in {wait.TotalSeconds:0.#} s");
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                offset = null; // ask the hub what it kept
            }
        }
    }

    public void Dispose() => http.Dispose();

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        HttpRequestException { StatusCode: null or >= HttpStatusCode.InternalServerError } => true,
        IOException => true,
        // HttpClient's own timeout, not the user's Ctrl+C.
        TaskCanceledException or OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private async Task<string> CreateAsync(string path, long length, string sha256, string? patientId, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using HttpResponseMessage response = await http.PostAsJsonAsync("api/uploads",
                    new { fileName = Path.GetFileName(path), length, sha256, patientId }, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new HubCallException(await ProblemAsync(response, "POST api/uploads").ConfigureAwait(false));
                }

                JsonElement created = await Json(response, cancellationToken).ConfigureAwait(false);
                return created.GetProperty("uploadId").GetString() ?? throw new HubCallException("the hub named no upload id");
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && attempt < settings.MaxRetries)
            {
                Retries++;
                await Task.Delay(settings.InitialBackoff, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The offset the hub has; with the final view when the upload is no longer receiving (the last answer was lost).</summary>
    private async Task<(long Offset, JsonElement? Final)> OffsetAsync(string url, long length, string sha256, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode >= 500)
        {
            throw new HttpRequestException($"the hub answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HubCallException(await ProblemAsync(response, $"GET {url}").ConfigureAwait(false));
        }

        JsonElement view = await Json(response, cancellationToken).ConfigureAwait(false);
        if (view.GetProperty("length").GetInt64() != length || view.GetProperty("sha256").GetString() != sha256)
        {
            throw new HubCallException($"upload {view.GetProperty("uploadId").GetString()} is of another file (length or SHA-256 differ)");
        }

        string state = view.GetProperty("state").GetString() ?? "Receiving";
        if (state == "Receiving")
        {
            return (view.GetProperty("offset").GetInt64(), null);
        }

        // Complete: wait while the hub processes it.
        while (state == "Processing")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            using HttpResponseMessage again = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            view = await Json(again, cancellationToken).ConfigureAwait(false);
            state = view.GetProperty("state").GetString() ?? "Failed";
        }

        return (length, view);
    }

    private static long? HeaderOffset(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Upload-Offset", out IEnumerable<string>? values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out long offset) ? offset : null;

    private static async Task<JsonElement> Json(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, string call)
    {
        string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        string reason = string.Empty;
        try
        {
            JsonElement body = JsonDocument.Parse(text).RootElement;
            reason = string.Join(": ", ProblemFields
                .Select(n => body.TryGetProperty(n, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                .Where(s => !string.IsNullOrEmpty(s)));
        }
        catch (JsonException)
        {
            // not problem details
        }

        return $"{call}: {(int)response.StatusCode} {response.ReasonPhrase}{(reason.Length > 0 ? " — " + reason : string.Empty)}";
    }
}
