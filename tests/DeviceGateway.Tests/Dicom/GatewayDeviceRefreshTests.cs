using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Telemed.DeviceGateway.Tests.Support;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.DeviceGateway.Tests.Dicom;

/// <summary>
/// A device disabled in the catalog by another process (another hub of a cluster, whose admin made the change) is
/// refused by this gateway once its periodic registry refresh has run, without a restart; enabled again, admitted.
/// </summary>
public sealed class GatewayDeviceRefreshTests
{
    [Fact]
    public async Task A_change_made_in_the_catalog_elsewhere_takes_effect_after_the_refresh()
    {
        await using DicomGatewayHarness harness = await DicomGatewayHarness.StartAsync(o => o with { DeviceRefreshInterval = TimeSpan.FromMilliseconds(200) });
        string port = harness.Port.ToString(CultureInfo.InvariantCulture);
        ToolProcess.Result echo = await ToolProcess.RunAsync("echoscu", ["-aec", "TELEMED", "127.0.0.1", port]);
        Assert.True(echo.ExitCode == 0, echo.ToString());

        await SetEnabledAsync(harness, false);
        await WaitUntilAsync(() => harness.Gateway.Devices.FindByAeTitle("ECHOSCU") is { Enabled: false });
        echo = await ToolProcess.RunAsync("echoscu", ["-aec", "TELEMED", "127.0.0.1", port]);
        Assert.True(echo.ExitCode != 0, echo.ToString());

        await SetEnabledAsync(harness, true);
        await WaitUntilAsync(() => harness.Gateway.Devices.FindByAeTitle("ECHOSCU") is { Enabled: true });
        echo = await ToolProcess.RunAsync("echoscu", ["-aec", "TELEMED", "127.0.0.1", port]);
        Assert.True(echo.ExitCode == 0, echo.ToString());
    }

    private static async Task SetEnabledAsync(DicomGatewayHarness harness, bool enabled)
    {
        await using SqliteCatalogDbContext catalog = harness.OpenCatalog();
        await catalog.Devices.Where(d => d.Id == "echoscu").ExecuteUpdateAsync(s => s.SetProperty(d => d.Enabled, enabled));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the registry never picked up the change");
            await Task.Delay(50);
        }
    }
}
