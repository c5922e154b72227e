using System.Globalization;
using System.Net.Http;
using System.Text.Json;

namespace Telemed.Cli.Hub;

/// <summary>
/// <c>telemed login | worklist | case show | cases list | dashboard | report sign</c>: daily work against the hub's REST
/// API with a bearer token (issue one with <c>telemed login</c>, keep it in TELEMED_TOKEN).
/// </summary>
internal static class HubCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Login(string[] args, TextWriter stdout, TextWriter stderr) => Guard("login", stderr, async () =>
    {
        Options o = Options.Parse(args);
        string user = o.Get("--user") ?? throw new ArgumentException("--user is required");
        string password = o.Get("--password") ?? Environment.GetEnvironmentVariable("TELEMED_PASSWORD")
            ?? throw new ArgumentException("--password (or TELEMED_PASSWORD) is required");
        string name = o.Get("--name") ?? $"telemed CLI on {Environment.MachineName}";
        string token = await HubClient.IssueTokenAsync(HubClient.HubOf(o), user, password, name).ConfigureAwait(false);
        stdout.WriteLine(token);
        stderr.WriteLine("keep it: export TELEMED_TOKEN=<the line above> (it is shown only once)");
        return 0;
    });

    public static int Worklist(string[] args, TextWriter stdout, TextWriter stderr) => Guard("worklist", stderr, async () =>
    {
        Options o = Options.Parse(args);
        using var hub = new HubClient(HubClient.HubOf(o), RequireToken(o));
        (JsonElement list, _) = await hub.GetAsync("api/worklist").ConfigureAwait(false);
        if (o.Has("--json"))
        {
            stdout.WriteLine(JsonSerializer.Serialize(list, Indented));
            return 0;
        }

        stdout.WriteLine($"{"case",-36}  {"priority",-8}  {"kind",-12}  {"patient",-16}  sla due (UTC)");
        foreach (JsonElement e in list.EnumerateArray())
        {
            stdout.WriteLine($"{Str(e, "caseId"),-36}  {Str(e, "priority"),-8}  {Str(e, "kind"),-12}  {Str(e, "patientId") ?? "-",-16}  {Time(e, "slaDueAt")}");
        }

        stdout.WriteLine($"{list.GetArrayLength()} open case(s)");
        return 0;
    });

    public static int Case(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length < 2 || args[0] != "show")
        {
            stderr.WriteLine("usage: telemed case show <case id> [--json] [--hub <url>] [--token <t>]");
            return 2;
        }

        return Guard("case show", stderr, async () =>
        {
            Options o = Options.Parse(args[2..]);
            using var hub = new HubClient(HubClient.HubOf(o), RequireToken(o));
            (JsonElement c, _) = await hub.GetAsync($"api/cases/{Uri.EscapeDataString(args[1])}").ConfigureAwait(false);
            if (o.Has("--json"))
            {
                stdout.WriteLine(JsonSerializer.Serialize(c, Indented));
                return 0;
            }

            stdout.WriteLine($"case      {Str(c, "caseId")}");
            stdout.WriteLine($"status    {Str(c, "status")}  priority {Str(c, "priority")}  kind {Str(c, "kind")}  specialty {Str(c, "specialty")}");
            stdout.WriteLine($"patient   {Str(c, "patientId") ?? "-"}  from {Str(c, "requestingInstitutionId")} ({Str(c, "requestedBy")})");
            stdout.WriteLine($"reader    {Str(c, "assignedReaderId") ?? "-"}  sla due {Time(c, "slaDueAt")}{(c.TryGetProperty("slaBreached", out JsonElement b) && b.ValueKind == JsonValueKind.True ? "  BREACHED" : string.Empty)}");
            stdout.WriteLine($"question  {Str(c, "clinicalQuestion")}");
            if (c.TryGetProperty("ecg", out JsonElement ecg) && ecg.ValueKind == JsonValueKind.Object
                && ecg.TryGetProperty("flags", out JsonElement flags) && flags.ValueKind == JsonValueKind.Array)
            {
                stdout.WriteLine($"ecg flags {string.Join(", ", flags.EnumerateArray().Select(f => f.GetString()))}");
            }

            if (c.TryGetProperty("history", out JsonElement history) && history.ValueKind == JsonValueKind.Array)
            {
                stdout.WriteLine("history");
                foreach (JsonElement h in history.EnumerateArray())
                {
                    stdout.WriteLine($"  {string.Join("  ", h.EnumerateObject().Select(p => p.Value.ToString()))}");
                }
            }

            return 0;
        });
    }

    /// <summary><c>telemed cases list</c>: the cases the caller may see (GET /api/cases), newest first, as a table.</summary>
    public static int Cases(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length < 1 || args[0] != "list")
        {
            stderr.WriteLine("usage: telemed cases list [--status s[,s…]] [--priority p] [--kind k] [--institution i] [--reader r] [--patient p] [--from t] [--to t] [--mine] [--limit n] [--offset n] [--json] [hub]");
            return 2;
        }

        return Guard("cases list", stderr, async () =>
        {
            Options o = Options.Parse(args[1..]);
            var query = new List<string>();
            foreach ((string option, string parameter) in new[]
            {
                ("--status", "status"), ("--priority", "priority"), ("--kind", "kind"), ("--institution", "institution"), ("--reader", "reader"),
                ("--patient", "patient"), ("--from", "from"), ("--to", "to"), ("--limit", "limit"), ("--offset", "offset"),
            })
            {
                if (o.Get(option) is { } value)
                {
                    query.Add($"{parameter}={Uri.EscapeDataString(value)}");
                }
            }

            if (o.Has("--mine"))
            {
                query.Add("mine=true");
            }

            using var hub = new HubClient(HubClient.HubOf(o), RequireToken(o));
            (JsonElement page, _) = await hub.GetAsync("api/cases" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty)).ConfigureAwait(false);
            if (o.Has("--json"))
            {
                stdout.WriteLine(JsonSerializer.Serialize(page, Indented));
                return 0;
            }

            stdout.WriteLine($"{"case",-36}  {"status",-11}  {"priority",-8}  {"kind",-12}  {"institution",-20}  {"reader",-16}  {"patient",-16}  {"opened (UTC)",-16}  sla due (UTC)");
            JsonElement cases = page.GetProperty("cases");
            foreach (JsonElement c in cases.EnumerateArray())
            {
                string breached = c.TryGetProperty("slaBreached", out JsonElement b) && b.ValueKind == JsonValueKind.True ? "  BREACHED" : string.Empty;
                stdout.WriteLine($"{Str(c, "caseId"),-36}  {Str(c, "status"),-11}  {Str(c, "priority"),-8}  {Str(c, "kind"),-12}  {Str(c, "requestingInstitutionId"),-20}  {Str(c, "assignedReaderId") ?? "-",-16}  {Str(c, "patientId") ?? "-",-16}  {Time(c, "openedAt"),-16}  {Time(c, "slaDueAt")}{breached}");
            }

            int shown = cases.GetArrayLength();
            int offset = page.GetProperty("offset").GetInt32();
            stdout.WriteLine(shown == 0
                ? $"no case shown of {page.GetProperty("total").GetInt32()}"
                : $"{offset + 1}–{offset + shown} of {page.GetProperty("total").GetInt32()} case(s)");
            return 0;
        });
    }

    /// <summary><c>telemed dashboard</c>: volumes, turnaround and SLA compliance per institution (GET /api/dashboard).</summary>
    public static int Dashboard(string[] args, TextWriter stdout, TextWriter stderr) => Guard("dashboard", stderr, async () =>
    {
        Options o = Options.Parse(args);
        var query = new List<string>();
        foreach ((string option, string parameter) in new[] { ("--from", "from"), ("--to", "to"), ("--institution", "institution") })
        {
            if (o.Get(option) is { } value)
            {
                query.Add($"{parameter}={Uri.EscapeDataString(value)}");
            }
        }

        using var hub = new HubClient(HubClient.HubOf(o), RequireToken(o));
        (JsonElement d, _) = await hub.GetAsync("api/dashboard" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty)).ConfigureAwait(false);
        if (o.Has("--json"))
        {
            stdout.WriteLine(JsonSerializer.Serialize(d, Indented));
            return 0;
        }

        stdout.WriteLine($"service of {Str(d, "institutionId") ?? Str(d, "communityId")}, cases opened {Time(d, "from")} – {Time(d, "to")} UTC");
        string[] priorities = [.. d.GetProperty("overall").GetProperty("sla").EnumerateArray().Select(p => Str(p, "priority") ?? "?")];
        stdout.WriteLine($"{"institution",-20}  {"cases",5}  {"signed",6}  {"→assigned p50/p90",18}  {"assigned→signed",18}  {"→signed p50/p90",18}  "
            + string.Join("  ", priorities.Select(p => $"{p + " in SLA",14}")) + $"  {"breached",8}  {"open late",9}");
        foreach (JsonElement row in d.GetProperty("institutions").EnumerateArray().Append(d.GetProperty("overall")))
        {
            JsonElement[] sla = [.. row.GetProperty("sla").EnumerateArray()];
            string name = Str(row, "institutionId") == "*" ? "all" : Str(row, "institutionId") ?? "?";
            stdout.WriteLine($"{name,-20}  {row.GetProperty("cases").GetInt32(),5}  {sla.Sum(s => s.GetProperty("signed").GetInt32()),6}  "
                + $"{Minutes(row, "requestToAssigned"),18}  {Minutes(row, "assignedToSigned"),18}  {Minutes(row, "requestToSigned"),18}  "
                + string.Join("  ", sla.Select(s => $"{Compliance(s),14}"))
                + $"  {sla.Sum(s => s.GetProperty("breached").GetInt32()),8}  {sla.Sum(s => s.GetProperty("openPastDue").GetInt32()),9}");
        }

        stdout.WriteLine("turnaround in minutes (median/90th percentile); SLA: signed within it of signed, with the percentage");
        return 0;

        static string Minutes(JsonElement row, string name)
        {
            JsonElement t = row.GetProperty(name);
            return t.GetProperty("cases").GetInt32() == 0
                ? "-"
                : string.Create(CultureInfo.InvariantCulture, $"{t.GetProperty("medianMinutes").GetDouble():0.#}/{t.GetProperty("p90Minutes").GetDouble():0.#}");
        }

        static string Compliance(JsonElement s) => s.GetProperty("signed").GetInt32() == 0
            ? "-"
            : string.Create(CultureInfo.InvariantCulture, $"{s.GetProperty("signedWithinSla").GetInt32()}/{s.GetProperty("signed").GetInt32()} {s.GetProperty("percentWithinSla").GetDouble():0.#}%");
    });

    public static int Report(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length < 2 || args[0] != "sign")
        {
            stderr.WriteLine("usage: telemed report sign <case id> [--hub <url>] [--token <t>]");
            return 2;
        }

        return Guard("report sign", stderr, async () =>
        {
            Options o = Options.Parse(args[2..]);
            using var hub = new HubClient(HubClient.HubOf(o), RequireToken(o));
            string path = $"api/cases/{Uri.EscapeDataString(args[1])}/report";
            // Sign exactly the draft that was read: the hub refuses (412) if it changed in between.
            (_, string? etag) = await hub.GetAsync(path).ConfigureAwait(false);
            (JsonElement signed, _) = await hub.SendAsync(HttpMethod.Post, path + "/sign", null, etag).ConfigureAwait(false);
            if (signed.ValueKind == JsonValueKind.Object && signed.TryGetProperty("current", out JsonElement current)
                && current.ValueKind == JsonValueKind.Object)
            {
                stdout.WriteLine($"signed version {Str(current, "number")} of case {args[1]} by {Str(current, "signedBy")} at {Time(current, "signedAt")} UTC");
            }
            else
            {
                stdout.WriteLine($"signed case {args[1]}");
            }

            return 0;
        });
    }

    /// <summary><c>telemed consult chat &lt;case&gt;</c>: see <see cref="ConsultChat"/>.</summary>
    public static int Consult(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length < 2 || args[0] != "chat" || !Guid.TryParse(args[1], out Guid caseId))
        {
            stderr.WriteLine("usage: telemed consult chat <case id> [--hub <url>] [--token <t>]");
            return 2;
        }

        return Guard("consult chat", stderr, async () =>
        {
            Options o = Options.Parse(args[2..]);
            await using var chat = new ConsultChat(HubClient.HubOf(o), RequireToken(o), caseId, stdout);
            try
            {
                return await chat.RunAsync(stdin, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Microsoft.AspNetCore.SignalR.HubException e)
            {
                throw new HubCallException(e.Message);
            }
        });
    }

    private static string RequireToken(Options o) =>
        HubClient.TokenOf(o) ?? throw new ArgumentException("no token: pass --token or set TELEMED_TOKEN (telemed login issues one)");

    private static int Guard(string command, TextWriter stderr, Func<Task<int>> run)
    {
        try
        {
            return run().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HubCallException or ArgumentException or HttpRequestException or TaskCanceledException or JsonException)
        {
            stderr.WriteLine($"telemed {command}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The property as text; null when absent or JSON null (so <c>?? "-"</c> shows a missing value).</summary>
    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;

    private static string Time(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.TryGetDateTimeOffset(out DateTimeOffset t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : "-";
}
