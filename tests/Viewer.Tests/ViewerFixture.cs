using Microsoft.Playwright;
using Xunit;

namespace Telemed.Viewer.Tests;

/// <summary>
/// One hub and one headless Debian chromium for all browser tests (starting either takes seconds on 2 cores). Each
/// test opens its own browser contexts: separate cookie jars, so two users can be signed in side by side.
/// </summary>
public sealed class ViewerFixture : IAsyncLifetime
{
    /// <summary>TOOLCHAIN.md's flags for Debian's chromium, plus fake camera/microphone for the WebRTC call.</summary>
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
    ];

    private readonly List<IBrowserContext> contexts = [];
    private IPlaywright? playwright;

    internal ViewerHub Hub { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Generous: a 2-core CI machine builds and tests other projects at the same time.
        Assertions.SetDefaultExpectTimeout(60_000);
        Hub = await ViewerHub.StartAsync();
        playwright = await Playwright.CreateAsync();
        string chromium = File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
            : throw new InvalidOperationException("Debian's chromium is not installed: apt-get install -y chromium (.ci/run does)");
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Hub.BrowserWrapper(chromium),
            Args = ChromiumArgs,
            Headless = true,
            Timeout = 120_000,
        });
    }

    /// <summary>A fresh context (its own cookies) at a laptop's 1366×768, with camera and microphone allowed.</summary>
    public async Task<IPage> NewPageAsync(int width = 1366, int height = 768)
    {
        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Hub.BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Permissions = ["camera", "microphone"],
            Locale = "zh-CN",
        });
        lock (contexts)
        {
            contexts.Add(context);
        }

        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the sign-in page, as a person would, and waits for the start page of the role.</summary>
    public async Task<IPage> SignedInAsync(string user, string startPath, int width = 1366, int height = 768)
    {
        IPage page = await NewPageAsync(width, height);
        await page.GotoAsync("/");
        await page.Locator("#user").FillAsync(user);
        await page.Locator("#password").FillAsync(await Hub.PasswordOfAsync(user));
        await page.Locator("#signin").ClickAsync();
        await page.WaitForURLAsync($"**{startPath}");
        await Assertions.Expect(page.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live");
        return page;
    }

    /// <summary>
    /// Closes every context the test opened, passed or failed: a page left open would stay in the consult sessions
    /// and receive the next test's calls and messages.
    /// </summary>
    public async Task CloseContextsAsync()
    {
        IBrowserContext[] open;
        lock (contexts)
        {
            open = [.. contexts];
            contexts.Clear();
        }

        foreach (IBrowserContext context in open)
        {
            await context.CloseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ViewerCollection : ICollectionFixture<ViewerFixture>
{
    public const string Name = "viewer";
}
