using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Wfdb;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Telemed.Viewer.Tests;

/// <summary>
/// A township's browser-attached monitor shares a live ECG into the consult (hub method PublishEcg, here a .NET
/// SignalR client signed in as the township's staff); the cardiologist's viewer, watching, draws it with the heart
/// rate the hub's streaming analysis finds. The signal is MIT-BIH record 100 from ../shared.
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed class LiveEcgTests(ViewerFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    private const int Seconds = 12;

    [Fact]
    public async Task A_live_ecg_published_by_the_township_is_drawn_for_the_watching_reader_with_heart_rate()
    {
        IPage reader = await fixture.SignedInAsync("card-wang", "/worklist");
        ILocator first = reader.Locator("#worklist tr.case").First;
        await Expect(first).ToBeVisibleAsync();
        string caseId = await first.GetAttributeAsync("data-case") ?? throw new InvalidOperationException("no case id");
        await reader.GotoAsync($"/cases/{caseId}");
        await Expect(reader.Locator("#consult-state")).ToHaveTextAsync("connected");
        await reader.Locator("#live-ecg-watch").ClickAsync();
        await Expect(reader.Locator("#live-ecg-state")).ToHaveTextAsync("waiting for the device…");

        string record = Path.Combine(RepositoryPaths.Root, "..", "shared", "ecg", "mitdb", "100");
        EcgRecording recording = WfdbRecordReader.Read(record);
        int rate = (int)recording.SamplingRate;
        int total = rate * Seconds;
        var cookies = new CookieContainer();
        using (HttpClient http = fixture.Hub.CreateClient(cookies))
        {
            using HttpResponseMessage login = await http.PostAsJsonAsync("/api/auth/login", new { user = "staff-dongcun", password = await fixture.Hub.PasswordOfAsync("staff-dongcun") });
            login.EnsureSuccessStatusCode();
        }

        await using HubConnection device = new HubConnectionBuilder()
            .WithUrl(new Uri("http://localhost/hubs/consult"), o =>
            {
                // Long polling: plain requests, which the handler carries over the hub's Unix socket.
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => fixture.Hub.CreateHandler(cookies);
            })
            .Build();
        await device.StartAsync();
        string[] leads = [.. recording.Leads.Select(l => l.Label)];
        int batch = rate / 10;
        for (int start = 0, sequence = 1; start < total; start += batch, sequence++)
        {
            int[][] samples = [.. recording.Leads.Select(l => Microvolts(l, start, batch))];
            await device.InvokeAsync("PublishEcg", Guid.Parse(caseId), new
            {
                caseId = Guid.Parse(caseId),
                streamId = "mitdb-100",
                sequence,
                samplingRate = rate,
                leads,
                firstSample = (long)start,
                samples,
                beats = Array.Empty<object>(),
                heartRate = (double?)null,
            });
        }

        await Expect(reader.Locator("#live-ecg")).ToHaveAttributeAsync("data-samples", $"{total}");
        await Expect(reader.Locator("#live-ecg-state")).ToContainTextAsync(string.Join(' ', leads.Take(3)));
        // Record 100's reference annotations over the same stretch give its rate; the streaming analysis agrees.
        double reference = ReferenceHeartRate(record, rate, total);
        await Expect(reader.Locator("#live-hr")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ bpm$"));
        double shown = double.Parse((await reader.Locator("#live-hr").InnerTextAsync()).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(shown, reference * 0.85, reference * 1.15);
    }

    private static int[] Microvolts(EcgLead lead, int start, int count)
    {
        ReadOnlySpan<int> adu = lead.Samples.Span.Slice(start, count);
        var values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (int)Math.Round((adu[i] - lead.Baseline) * 1000 / lead.AduPerMillivolt);
        }

        return values;
    }

    /// <summary>Beats per minute from the mean RR interval of the reference beat annotations in the first samples.</summary>
    private static double ReferenceHeartRate(string record, int rate, int samples)
    {
        long[] beats = [.. WfdbAnnotationReader.Read(record + ".atr").Where(a => a.IsBeat && a.Sample < samples).Select(a => a.Sample)];
        double meanRr = (double)(beats[^1] - beats[0]) / (beats.Length - 1) / rate;
        return 60 / meanRr;
    }
}
