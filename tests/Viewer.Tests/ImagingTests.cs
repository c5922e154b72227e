using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Telemed.Viewer.Tests;

/// <summary>
/// A chest X-ray from a township's DR, read by the county radiologist in the browser: Cornerstone3D draws it from
/// WADO-RS (/dicomweb) — loaded only now, as its own chunk — with window/level by dragging and zoom by the wheel, and
/// the patient's Chinese name from the metadata.
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed class ImagingTests(ViewerFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task A_chest_xray_is_drawn_by_cornerstone_and_responds_to_window_level_and_zoom()
    {
        string patient = "VWX-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await DeviceIngest.StoreAsync(fixture.Hub, "cr-chest-pa-gb18030.dcm", patient);
        IPage radiologist = await fixture.SignedInAsync("rad-liu", "/worklist");
        var cornerstoneLoaded = new TaskCompletionSource();
        radiologist.Response += (_, r) =>
        {
            if (r.Url.Contains("/assets/xray-", StringComparison.Ordinal))
            {
                cornerstoneLoaded.TrySetResult();
            }
        };

        ILocator row = radiologist.Locator("#worklist tr.case", new() { Has = radiologist.Locator("td.patient", new() { HasTextString = patient }) });
        await row.Locator("td.patient a").ClickAsync();
        ILocator viewport = radiologist.Locator("#xray-viewport");
        await Expect(viewport).ToHaveAttributeAsync("data-rendered", "cornerstone");
        await cornerstoneLoaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The sample's name is 王^五 in GB18030: decoded by the hub, shown as characters.
        await Expect(radiologist.Locator("#xray-overlay")).ToContainTextAsync("王五");

        await Expect(radiologist.Locator("#xray-readout")).ToHaveTextAsync(new Regex(@"^W -?\d+ / L -?\d+ · zoom [\d.]+×$"));
        (int Width, int Level, double Zoom) before = Readout(await radiologist.Locator("#xray-readout").InnerTextAsync());
        double spreadBefore = await LuminanceSpreadAsync(radiologist, viewport);
        Assert.True(spreadBefore > 30, $"the image is blank or flat: luminance spread {spreadBefore}");

        // Dragging right widens the window, dragging down raises the level (what radiologists expect).
        LocatorBoundingBoxResult box = (await viewport.BoundingBoxAsync())!;
        float x = box.X + (box.Width / 2), y = box.Y + (box.Height / 2);
        await radiologist.Mouse.MoveAsync(x, y);
        await radiologist.Mouse.DownAsync();
        await radiologist.Mouse.MoveAsync(x + 120, y + 60, new() { Steps = 6 });
        await radiologist.Mouse.UpAsync();
        (int Width, int Level, double Zoom) windowed = Readout(await radiologist.Locator("#xray-readout").InnerTextAsync());
        Assert.True(windowed.Width > before.Width && windowed.Level > before.Level, $"{before} → {windowed}");

        await radiologist.Mouse.WheelAsync(0, -300);
        await Expect(radiologist.Locator("#xray-readout")).Not.ToHaveTextAsync(new Regex($@"zoom {Regex.Escape(windowed.Zoom.ToString("0.00", CultureInfo.InvariantCulture))}×$"));
        Assert.True(Readout(await radiologist.Locator("#xray-readout").InnerTextAsync()).Zoom > windowed.Zoom);
    }

    private static (int Width, int Level, double Zoom) Readout(string text)
    {
        Match m = Regex.Match(text, @"^W (-?\d+) / L (-?\d+) · zoom ([\d.]+)×$");
        Assert.True(m.Success, $"readout '{text}'");
        return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The spread (max − min of the 5th–95th percentile) of the viewport's luminance, from a screenshot decoded by the browser.</summary>
    private static async Task<double> LuminanceSpreadAsync(IPage page, ILocator element)
    {
        byte[] png = await element.ScreenshotAsync();
        return await page.EvaluateAsync<double>("""
            async (base64) => {
              const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
              const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
              const ctx = canvas.getContext('2d');
              ctx.drawImage(bitmap, 0, 0);
              const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
              const values = [];
              for (let i = 0; i < data.length; i += 16) values.push(0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2]);
              values.sort((a, b) => a - b);
              return values[Math.floor(values.length * 0.95)] - values[Math.floor(values.length * 0.05)];
            }
            """, Convert.ToBase64String(png));
    }
}
