using System.Globalization;
using System.Text.Json;
using Telemed.Cli.Hub;

namespace Telemed.Cli.Upload;

/// <summary>
/// <c>telemed upload &lt;file&gt; [--resume &lt;upload id&gt;] [--patient &lt;id&gt;] [--chunk-size &lt;bytes&gt;] [--retries &lt;n&gt;]
/// [--hub &lt;url&gt;] [--token &lt;t&gt;] [--json]</c>: a DICOM file or an ECG file (SCP-ECG, HL7 aECG, Philips XML, a ZIP of a
/// WFDB record) to the hub, resumably; prints the stored SOP Instance UID and the case it joined or opened.
/// </summary>
internal static class UploadCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public const string Usage = "usage: telemed upload <file> [--resume <upload id>] [--patient <id>] [--chunk-size <bytes>] [--retries <n>] [--hub <url>] [--token <t>] [--json]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler = null, UploadSettings? defaults = null)
    {
        Options o = Options.Parse(args);
        if (o.Positional.Count != 1)
        {
            stderr.WriteLine(Usage);
            return 2;
        }

        string path = o.Positional[0];
        try
        {
            if (!File.Exists(path))
            {
                throw new ArgumentException($"no file {path}");
            }

            UploadSettings settings = defaults ?? new UploadSettings();
            if (o.Get("--chunk-size") is string chunk)
            {
                settings = settings with { ChunkSize = Positive(chunk, "--chunk-size") };
            }

            if (o.Get("--retries") is string retries)
            {
                settings = settings with { MaxRetries = int.TryParse(retries, NumberStyles.None, CultureInfo.InvariantCulture, out int r) ? r : throw new ArgumentException("--retries takes a number") };
            }

            string token = HubClient.TokenOf(o) ?? throw new ArgumentException("no token: pass --token or set TELEMED_TOKEN (telemed login issues one)");
            using var upload = new ResumableUpload(HubClient.HubOf(o), token, settings, new UploadProgress(stderr), handler);
            upload.Created += id => stderr.WriteLine($"upload {id} (if interrupted: telemed upload {path} --resume {id})");
            JsonElement result = upload.RunAsync(path, o.Get("--resume"), o.Get("--patient"), CancellationToken.None).GetAwaiter().GetResult();
            if (o.Has("--json"))
            {
                stdout.WriteLine(JsonSerializer.Serialize(result, Indented));
            }

            string state = Str(result, "state") ?? "?";
            if (state != "Stored")
            {
                stderr.WriteLine($"telemed upload: {Str(result, "fileName")} {state.ToLowerInvariant()}: {Str(result, "reason") ?? "no reason given"}");
                return 1;
            }

            if (!o.Has("--json"))
            {
                string sops = result.TryGetProperty("sopInstanceUids", out JsonElement s) ? string.Join(", ", s.EnumerateArray().Select(e => e.GetString())) : "-";
                stdout.WriteLine($"stored    {Str(result, "fileName")} ({Str(result, "format")}, {Str(result, "length")} bytes, sha256 {Str(result, "sha256")})");
                stdout.WriteLine($"instance  {sops}");
                stdout.WriteLine($"study     {Str(result, "studyInstanceUid") ?? "-"}");
                stdout.WriteLine($"case      {Str(result, "caseId") ?? "(not opened yet: see telemed cases list)"}");
                if (upload.Retries > 0)
                {
                    stdout.WriteLine($"retries   {upload.Retries}");
                }
            }

            return 0;
        }
        catch (Exception e) when (e is HubCallException or ArgumentException or HttpRequestException or TaskCanceledException or JsonException or IOException or KeyNotFoundException)
        {
            stderr.WriteLine($"telemed upload: {e.Message}");
            return 1;
        }
    }

    private static int Positive(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw new ArgumentException($"{option} takes a positive number of bytes, not '{text}'");

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;
}
