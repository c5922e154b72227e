using Microsoft.EntityFrameworkCore;
using Telemed.Cli;
using Telemed.DeviceGateway.Tests.Support;
using Xunit;

namespace Telemed.DeviceGateway.Tests.Cli;

public sealed class SendDicomCommandTests : IAsyncLifetime
{
    private DicomGatewayHarness harness = null!;

    public async Task InitializeAsync() => harness = await DicomGatewayHarness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Echo_reaches_the_gateway_with_the_default_titles()
    {
        var (code, stdout, stderr) = Run("echo", "--port", $"{harness.Port}");

        Assert.True(code == 0, stderr);
        Assert.Contains("status 0x0000", stdout, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Send_dicom_takes_a_folder_reports_each_file_and_a_bad_file_fails_alone()
    {
        string folder = Path.Combine(harness.Root, "outbox");
        Directory.CreateDirectory(Path.Combine(folder, "nested"));
        File.Copy(GatewayTestData.Sample("cr-chest-pa-gb18030.dcm"), Path.Combine(folder, "cr.dcm"));
        File.Copy(GatewayTestData.Sample("ecg-normal-sinus-gb18030.dcm"), Path.Combine(folder, "nested", "ecg.dcm"));
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not a DICOM file");

        var (code, stdout, _) = Run("send", "dicom", folder, "--port", $"{harness.Port}");

        Assert.Equal(1, code);
        Assert.Contains("stored 0x0000 " + Path.Combine(folder, "cr.dcm"), stdout, StringComparison.Ordinal);
        Assert.Contains("stored 0x0000 " + Path.Combine(folder, "nested", "ecg.dcm"), stdout, StringComparison.Ordinal);
        Assert.Contains("FAILED ------ " + Path.Combine(folder, "notes.txt"), stdout, StringComparison.Ordinal);
        Assert.Contains("2 of 3 files stored, 1 failed", stdout, StringComparison.Ordinal);
        await using var catalog = harness.OpenCatalog();
        Assert.Equal(2, await catalog.Instances.CountAsync());
    }

    [Fact]
    public void Missing_path_is_a_usage_error()
    {
        var (code, _, stderr) = Run("send", "dicom", "/nonexistent/file.dcm");

        Assert.Equal(2, code);
        Assert.Contains("no such file or directory", stderr, StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
