using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Telemed.Viewer.Tests;

/// <summary>
/// The consult panel between the county cardiologist and the township, each in their own browser context: chat with
/// presence, typing, delivery and read receipts and persisted history; and a 1:1 WebRTC video call signalled through
/// the hub (fake camera and microphone; ICE over the namespace's loopback only).
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed class ConsultTests(ViewerFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseContextsAsync();

    [Fact]
    public async Task Reader_and_township_chat_with_typing_receipts_and_history()
    {
        (IPage reader, IPage township) = await BothOnOneCaseAsync();

        await reader.Locator("#chat-input").PressSequentiallyAsync("请看一下 ST 段", new() { Delay = 30 });
        await Expect(township.Locator("#typing")).ToContainTextAsync("card-wang typing");
        await reader.Locator("#chat-send").ClickAsync();

        ILocator received = township.Locator("#chat li.theirs .text", new() { HasTextString = "请看一下 ST 段" });
        await Expect(received).ToBeVisibleAsync();
        // The township's page is open and visible: it reports the message read, and the sender sees that.
        ILocator sent = reader.Locator("#chat li.mine", new() { HasTextString = "请看一下 ST 段" });
        await Expect(sent.Locator(".receipt")).ToHaveTextAsync("✓✓ read by staff-dongcun");
        await Expect(township.Locator("#typing")).ToBeEmptyAsync();

        await township.Locator("#chat-input").FillAsync("收到，马上转诊 — transferring now");
        await township.Locator("#chat-input").PressAsync("Enter");
        await Expect(reader.Locator("#chat li.theirs .text", new() { HasTextString = "收到，马上转诊" })).ToBeVisibleAsync();
        await Expect(township.Locator("#chat li.mine", new() { HasTextString = "收到，马上转诊" }).Locator(".receipt")).ToHaveTextAsync("✓✓ read by card-wang");

        // History is the hub's, not the page's: a reloaded page gets both lines back, in order.
        await township.ReloadAsync();
        await Expect(township.Locator("#consult-state")).ToHaveTextAsync("connected");
        string[] lines = [.. await township.Locator("#chat li .text").AllInnerTextsAsync()];
        int question = Array.FindLastIndex(lines, l => l.Contains("请看一下 ST 段", StringComparison.Ordinal));
        int answer = Array.FindLastIndex(lines, l => l.Contains("收到，马上转诊", StringComparison.Ordinal));
        Assert.True(question >= 0 && answer > question, $"history after reload: {string.Join(" | ", lines)}");
        await Expect(reader.Locator("#presence")).ToContainTextAsync("staff-dongcun");

    }

    [Fact]
    public async Task A_video_call_between_reader_and_township_connects_and_hangs_up()
    {
        Assert.True(fixture.Hub.Isolated,
            "the WebRTC test needs a loopback-only network namespace (unshare -n and nsenter, as root) so that ICE uses "
            + $"127.0.0.1 only and nothing reaches another interface; here: {fixture.Hub.NotIsolatedBecause}");
        (IPage reader, IPage township) = await BothOnOneCaseAsync();

        await Expect(reader.Locator("#call-start")).ToBeEnabledAsync();
        await reader.Locator("#call-start").ClickAsync();
        await Expect(township.Locator("#call-state")).ToHaveAttributeAsync("data-state", "ringing");
        await Expect(township.Locator("#call-state")).ToContainTextAsync("card-wang");
        await township.Locator("#call-answer").ClickAsync();

        // ICE over loopback is quick; DTLS and the first frames can take long when CI's two cores are saturated.
        await Expect(reader.Locator("#call-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 150_000 });
        await Expect(township.Locator("#call-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 150_000 });
        // Frames of the other side's (fake) camera are decoded on both pages.
        foreach (IPage page in new[] { reader, township })
        {
            await page.WaitForFunctionAsync("() => { const v = document.querySelector('#remote-video'); return v && v.videoWidth > 0 && v.currentTime > 0; }", null, new() { Timeout = 120_000 });
        }

        await township.Locator("#call-hangup").ClickAsync();
        await Expect(reader.Locator("#call-state")).ToHaveAttributeAsync("data-state", "idle");
        await Expect(reader.Locator("#call-state")).ToHaveTextAsync("staff-dongcun hung up");
        await Expect(reader.Locator("#call-start")).ToBeEnabledAsync();

    }

    /// <summary>The cardiologist and the township staff on the case at the top of the cardiologist's worklist.</summary>
    private async Task<(IPage Reader, IPage Township)> BothOnOneCaseAsync()
    {
        IPage reader = await fixture.SignedInAsync("card-wang", "/worklist");
        ILocator first = reader.Locator("#worklist tr.case").First;
        await Expect(first).ToBeVisibleAsync();
        string caseId = await first.GetAttributeAsync("data-case") ?? throw new InvalidOperationException("a worklist row without its case id");
        // The township on a tablet (1024×768), the cardiologist on a laptop (1366×768).
        IPage township = await fixture.SignedInAsync("staff-dongcun", "/requests", 1024, 768);

        await reader.GotoAsync($"/cases/{caseId}");
        await township.GotoAsync($"/cases/{caseId}");
        await Expect(reader.Locator("#consult-state")).ToHaveTextAsync("connected");
        await Expect(township.Locator("#consult-state")).ToHaveTextAsync("connected");
        foreach (IPage page in new[] { reader, township })
        {
            // Nothing wider than the screen: no sideways scrolling on either.
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
                $"{page.ViewportSize?.Width} px wide: the case page scrolls sideways");
        }
        await Expect(reader.Locator("#presence")).ToContainTextAsync(new Regex("staff-dongcun"));
        return (reader, township);
    }
}
