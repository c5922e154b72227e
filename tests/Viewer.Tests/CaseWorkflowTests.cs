using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Telemed.Viewer.Tests;

/// <summary>
/// The reader's and the township's day in the browser against the real hub: an ECG sent by a township device
/// appears on the cardiologist's worklist without a reload (Stat, highlighted), the cardiologist accepts it, writes
/// and signs the report, and the township's request list shows "reading" and then "signed" as it happens.
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed class CaseWorkflowTests(ViewerFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task A_case_from_a_device_reaches_the_worklist_live_and_its_signing_reaches_the_township_live()
    {
        IPage reader = await fixture.SignedInAsync("card-wang", "/worklist");
        IPage township = await fixture.SignedInAsync("staff-dongcun", "/requests");
        // Marks that survive only as long as no page load happens: the updates below must arrive live.
        await reader.EvaluateAsync("() => window.__noReload = true");
        await township.EvaluateAsync("() => window.__noReload = true");
        await Expect(reader.Locator("#who")).ToContainTextAsync("王医生");

        string patient = "VWR-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await DeviceIngest.StoreAsync(fixture.Hub, "ecg-inferior-stemi-utf8.dcm", patient);

        ILocator row = reader.Locator("#worklist tr.case", new() { Has = reader.Locator("td.patient", new() { HasTextString = patient }) });
        await Expect(row).ToBeVisibleAsync();
        // The analysis found ST elevation: triage made it Stat, which the worklist shows first and in red.
        await Expect(row).ToHaveClassAsync(new Regex(@"\bstat\b"));
        await Expect(row.Locator("td.sla")).ToHaveTextAsync(new Regex(@"(left|overdue)$"));
        // Stat first: no routine or urgent case is listed above it.
        string[] priorities = [.. (await reader.Locator("#worklist tr.case td:first-child").AllInnerTextsAsync()).Select(t => t.Trim())];
        string[] patients = [.. (await reader.Locator("#worklist tr.case td.patient").AllInnerTextsAsync()).Select(t => t.Trim())];
        Assert.All(priorities[..Array.IndexOf(patients, patient)], p => Assert.Equal("Stat", p));

        ILocator request = township.Locator("#requests tr.case", new() { Has = township.Locator("td.patient", new() { HasTextString = patient }) });
        await Expect(request.Locator("td.status")).ToHaveTextAsync("assigned");

        await row.Locator("button.accept").ClickAsync();
        await reader.WaitForURLAsync(new Regex("/cases/[0-9a-f-]{36}$"));
        await Expect(reader.Locator("#case-status")).ToHaveAttributeAsync("data-status", "InProgress");
        await Expect(request.Locator("td.status")).ToHaveTextAsync("reading");

        // The ECG the device sent, at 25 mm/s and 10 mm/mV: every lead traced across its cell, beats marked, the
        // heart rate and flags the hub's analysis gives for this recording (GET /api/ecgs/{sop}).
        await EcgCanvas.ExpectTwelveLeadsDrawnAsync(reader);
        var analysis = await reader.EvaluateAsync<System.Text.Json.JsonElement>("""
            async () => {
              const sop = await (async () => {
                const c = await (await fetch(location.pathname.replace('/cases/', '/api/cases/'))).json();
                const series = await (await fetch(`/dicomweb/studies/${c.studies[0]}/series`, { headers: { Accept: 'application/dicom+json' } })).json();
                const instances = await (await fetch(`/dicomweb/studies/${c.studies[0]}/series/${series[0]['0020000E'].Value[0]}/instances`, { headers: { Accept: 'application/dicom+json' } })).json();
                return instances[0]['00080018'].Value[0];
              })();
              const ecg = await (await fetch(`/api/ecgs/${sop}?from=0&to=10`)).json();
              return { heartRate: ecg.heartRate, beats: ecg.beats.length, flags: ecg.flags.map(f => f.code) };
            }
            """);
        int beats = analysis.GetProperty("beats").GetInt32();
        Assert.True(beats >= 5, $"{beats} beats in 10 s");
        await Expect(reader.Locator("#ecg-canvas")).ToHaveAttributeAsync("data-beats", $"{beats}");
        await Expect(reader.Locator("#ecg-hr")).ToHaveTextAsync($"{Math.Round(analysis.GetProperty("heartRate").GetDouble())} bpm");
        string[] flags = [.. analysis.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!)];
        Assert.NotEmpty(flags);
        foreach (string flag in flags)
        {
            await Expect(reader.Locator("#ecg-flags li.flag", new() { HasTextString = flag })).ToBeVisibleAsync();
        }

        await reader.Locator("#findings").FillAsync("窦性心律，II、III、aVF 导联 ST 段抬高。Sinus rhythm, ST elevation in II, III, aVF.");
        await reader.Locator("#impression").FillAsync("急性下壁心肌梗死 Acute inferior STEMI: transfer for PCI now.");
        await reader.Locator("#sign").ClickAsync();
        await Expect(reader.Locator("#report-status")).ToHaveTextAsync("signed v1");
        await Expect(reader.Locator("#case-status")).ToHaveAttributeAsync("data-status", "Signed");

        await Expect(request.Locator("td.status")).ToHaveTextAsync("signed");
        Assert.True(await township.EvaluateAsync<bool>("() => window.__noReload === true"), "the township page reloaded instead of updating live");
        Assert.True(await reader.EvaluateAsync<bool>("() => window.__noReload === true"), "the reader page reloaded instead of switching views");

        // The township opens the signed report and reads the impression the cardiologist wrote.
        await request.Locator("td.patient a").ClickAsync();
        await Expect(township.Locator("#impression-text")).ToContainTextAsync("急性下壁心肌梗死");
        await Expect(township.Locator("#signature")).ToContainTextAsync("card-wang");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_clear_message_and_sign_out_returns_to_sign_in()
    {
        // A tablet's screen; and every script the page fetches, to check what a slow link has to carry.
        IPage page = await fixture.NewPageAsync(1024, 768);
        var scripts = new List<(string Url, long Bytes, string? Encoding)>();
        page.Response += (_, response) =>
        {
            if (response.Url.EndsWith(".js", StringComparison.Ordinal))
            {
                response.Headers.TryGetValue("content-length", out string? length);
                response.Headers.TryGetValue("content-encoding", out string? encoding);
                lock (scripts)
                {
                    scripts.Add((response.Url, long.Parse(length ?? "0", System.Globalization.CultureInfo.InvariantCulture), encoding));
                }
            }
        };
        await page.GotoAsync("/worklist");
        await page.WaitForURLAsync("**/signin?next=%2Fworklist");
        await page.Locator("#user").FillAsync("card-wang");
        await page.Locator("#password").FillAsync("not-the-password");
        await page.Locator("#signin").ClickAsync();
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("wrong user name or password");

        await page.Locator("#password").FillAsync(await fixture.Hub.PasswordOfAsync("card-wang"));
        await page.Locator("#signin").ClickAsync();
        await page.WaitForURLAsync("**/worklist");
        // Role-aware navigation: a reader gets the worklist, not the township's requests.
        await Expect(page.Locator("header.top nav a")).ToHaveTextAsync(["My worklist"]);
        await Expect(page.Locator("#worklist tr.case").First).ToBeVisibleAsync();
        lock (scripts)
        {
            // Cornerstone is split off and not loaded for the worklist; what is loaded comes precompressed.
            Assert.DoesNotContain(scripts, s => s.Url.Contains("/assets/xray-", StringComparison.Ordinal));
            Assert.All(scripts, s => Assert.Equal("br", s.Encoding));
            long total = scripts.Sum(s => s.Bytes);
            Assert.True(total is > 0 and < 60_000, $"{total} bytes of script before the worklist shows: {string.Join(", ", scripts)}");
        }

        await page.Locator("#sign-out").ClickAsync();
        await page.WaitForURLAsync("**/signin");
        await page.GotoAsync("/worklist");
        await page.WaitForURLAsync("**/signin?next=%2Fworklist");
    }
}
