using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Telemed.Bench;
using Telemed.QidoLoad;

// QIDO-RS latency over a large embedded catalog (issue 6 target: p95 ≤ 50 ms over 100,000 instances in SQLite).
// Fills a fresh SQLite catalog with synthetic instances, starts the hub on it as its own process (demo seed: users and
// the community), signs in as the demo cardiologist (who reads the whole community) and sends a mix of QIDO queries
// one at a time over loopback HTTP, timing each from request to last byte. Audit entries are written as in production.
// dotnet build -c Release bench/Telemed.QidoLoad src/ConsultHub && dotnet bench/Telemed.QidoLoad/bin/Release/net10.0/Telemed.QidoLoad.dll --instances 100000 --rounds 40
int instances = Option(args, "--instances", 100_000);
int rounds = Option(args, "--rounds", 40);
string repository = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
string hubDll = Path.Combine(repository, "src", "ConsultHub", "bin", "Release", "net10.0", "linux-x64", "Telemed.ConsultHub.dll");
string data = Path.Combine(Path.GetTempPath(), "telemed-qido-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(data);
Console.WriteLine($"{DateTime.UtcNow:u} cores={Environment.ProcessorCount} load={File.ReadAllText("/proc/loadavg").Trim()}");

var synthetic = new SyntheticCatalog();
await synthetic.FillAsync(Path.Combine(data, "catalog.db"), instances, seed: 6, Console.Out);

int http = FreePort();
var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = data };
foreach (string a in new[] { hubDll, "--data", data, "--http", $"http://127.0.0.1:{http}", "--dicom-port", $"{FreePort()}", "--ecg-port", $"{FreePort()}",
    "--silo-port", $"{FreePort()}", "--gateway-port", $"{FreePort()}" })
{
    start.ArgumentList.Add(a);
}

using Process hub = Process.Start(start)!;
var hubOutput = new System.Collections.Concurrent.ConcurrentQueue<string>();
hub.OutputDataReceived += (_, e) => hubOutput.Enqueue(e.Data ?? "");
hub.ErrorDataReceived += (_, e) => hubOutput.Enqueue(e.Data ?? "");
hub.BeginOutputReadLine();
hub.BeginErrorReadLine();
try
{
    using var client = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{http}"),
        Timeout = TimeSpan.FromSeconds(60),
    };
    string password = await DemoPasswordAsync(Path.Combine(data, "demo-credentials.txt"), "card-wang");
    for (var deadline = DateTime.UtcNow.AddMinutes(3); ; await Task.Delay(250))
    {
        try
        {
            if ((await client.GetAsync("/health")).IsSuccessStatusCode)
            {
                break;
            }
        }
        catch (HttpRequestException) when (DateTime.UtcNow < deadline)
        {
            // Kestrel binds after the hosted services have started
        }
    }

    (await client.PostAsJsonAsync("/api/auth/login", new { user = "card-wang", password })).EnsureSuccessStatusCode();
    HttpResponseMessage issued = await client.PostAsJsonAsync("/api/tokens", new { name = "qido bench" });
    string token = JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
    using var api = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    api.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/dicom+json"));

    var random = new Random(7);
    var queries = new (string Name, Func<string> Url)[]
    {
        ("studies, no filter, limit 50", () => "/dicomweb/studies?limit=50"),
        ("studies PatientName=王* (Chinese)", () => $"/dicomweb/studies?PatientName={Uri.EscapeDataString(Hanzi(random) + "*")}&limit=50"),
        ("studies PatientName=zhang^w* (Latin, any case)", () => $"/dicomweb/studies?PatientName={Uri.EscapeDataString(Pinyin(random).ToLowerInvariant() + "^w*")}&limit=50"),
        ("studies PatientName=*伟 (leading *)", () => $"/dicomweb/studies?PatientName={Uri.EscapeDataString("*" + SyntheticCatalog.NameOf(random.Next(400)).Split('=')[1][^1..])}&limit=50"),
        ("studies PatientID", () => $"/dicomweb/studies?PatientID={Pick(random, synthetic).PatientId}"),
        ("studies StudyDate one month", () => $"/dicomweb/studies?StudyDate={Month(random)}&limit=50"),
        ("studies ModalitiesInStudy=CT + date from", () => $"/dicomweb/studies?ModalitiesInStudy=CT&StudyDate=20260101-&limit=50"),
        ("studies AccessionNumber", () => $"/dicomweb/studies?AccessionNumber={Pick(random, synthetic).Accession}"),
        ("series of a study", () => $"/dicomweb/studies/{Pick(random, synthetic).Study}/series"),
        ("instances of a series", () => { var s = Pick(random, synthetic); return $"/dicomweb/studies/{s.Study}/series/{s.Series}/instances"; }),
        ("series Modality=ECG, limit 50", () => "/dicomweb/series?Modality=ECG&limit=50"),
        ("instances PatientName=王* limit 50", () => $"/dicomweb/instances?PatientName={Uri.EscapeDataString(Hanzi(random) + "*")}&limit=50"),
    };

    // Warm-up: every query a few times (first requests pay for connection, EF model and query compilation).
    foreach ((string _, Func<string> url) in queries)
    {
        for (int i = 0; i < 3; i++)
        {
            (await api.GetAsync(url())).EnsureSuccessStatusCode();
        }
    }

    var all = new List<double>();
    var perQuery = queries.ToDictionary(q => q.Name, _ => new List<double>());
    long results = 0;
    for (int round = 0; round < rounds; round++)
    {
        foreach ((string name, Func<string> url) in queries.OrderBy(_ => random.Next()))
        {
            string path = url();
            long t0 = Stopwatch.GetTimestamp();
            using HttpResponseMessage response = await api.GetAsync(path);
            byte[] body = await response.Content.ReadAsByteArrayAsync();
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
            }

            results += JsonDocument.Parse(body).RootElement.GetArrayLength();
            all.Add(ms);
            perQuery[name].Add(ms);
        }
    }

    foreach ((string name, List<double> times) in perQuery)
    {
        Console.WriteLine($"  {name,-48} {Percentiles.Summary(times)}");
    }

    Console.WriteLine($"all queries: {Percentiles.Summary(all)}; {results} results in all");
}
catch (Exception) when (hub.HasExited || !hubOutput.IsEmpty)
{
    Console.Error.WriteLine("--- hub output (last lines) ---");
    foreach (string line in hubOutput.TakeLast(40))
    {
        Console.Error.WriteLine(line);
    }

    throw;
}
finally
{
    hub.Kill(entireProcessTree: true);
    await hub.WaitForExitAsync();
    Console.WriteLine($"{DateTime.UtcNow:u} done, load={File.ReadAllText("/proc/loadavg").Trim()}");
    try
    {
        Directory.Delete(data, recursive: true);
    }
    catch (IOException)
    {
        // left for the OS to clean
    }
}

static int Option(string[] args, string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static int FreePort()
{
    using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
    socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
    return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
}

static async Task<string> DemoPasswordAsync(string path, string user)
{
    var line = new Regex($@"user: {Regex.Escape(user)}\s+role: \S+\s+institution: \S+\s+password: (?<password>\S+)");
    for (var deadline = DateTime.UtcNow.AddMinutes(3); DateTime.UtcNow < deadline; await Task.Delay(250))
    {
        Match m = line.Match(File.Exists(path) ? await File.ReadAllTextAsync(path) : string.Empty);
        if (m.Success)
        {
            return m.Groups["password"].Value;
        }
    }

    throw new TimeoutException($"the hub wrote no credentials for {user} to {path}");
}

static string Hanzi(Random random) => SyntheticCatalog.NameOf(random.Next(20)).Split('=')[1][..1];

static string Pinyin(Random random) => SyntheticCatalog.NameOf(random.Next(20)).Split('^')[0];

static string Month(Random random) => new DateOnly(2020 + random.Next(7), random.Next(1, 13), 1) is var m
    ? $"{m:yyyyMMdd}-{m.AddMonths(1).AddDays(-1):yyyyMMdd}" : "";

static (string Study, string Series, string Sop, string PatientId, string Accession, string Date, string Modality) Pick(Random random, SyntheticCatalog catalog) =>
    catalog.Samples[random.Next(catalog.Samples.Count)];

