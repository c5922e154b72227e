using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Telemed.Viewer.Tests;

[Collection(ViewerCollection.Name)]
public sealed class ZzScreenshots(ViewerFixture fixture)
{
    [Fact]
    public async Task Shots()
    {
        IPage reader = await fixture.SignedInAsync("card-wang", "/worklist");
        await Expect(reader.Locator("#worklist tr.case").First).ToBeVisibleAsync();
        await reader.ScreenshotAsync(new() { Path = "/tmp/shot-worklist.png" });
        string id = (await reader.Locator("#worklist tr.case").First.GetAttributeAsync("data-case"))!;
        await reader.GotoAsync($"/cases/{id}");
        await Expect(reader.Locator("#consult-state")).ToHaveTextAsync("connected");
        await Task.Delay(1500);
        await reader.ScreenshotAsync(new() { Path = "/tmp/shot-case.png" });
        IPage tablet = await fixture.SignedInAsync("staff-dongcun", "/requests", 1024, 768);
        await Task.Delay(1000);
        await tablet.ScreenshotAsync(new() { Path = "/tmp/shot-requests-tablet.png" });
        await tablet.GotoAsync($"/cases/{id}");
        await Expect(tablet.Locator("#consult-state")).ToHaveTextAsync("connected");
        await tablet.ScreenshotAsync(new() { Path = "/tmp/shot-case-tablet.png", FullPage = true });
        IPage signin = await fixture.NewPageAsync();
        await signin.GotoAsync("/");
        await signin.ScreenshotAsync(new() { Path = "/tmp/shot-signin.png" });
    }
}
