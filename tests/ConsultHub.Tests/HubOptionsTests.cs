using System.Net;
using Microsoft.Extensions.Configuration;
using Telemed.ConsultHub.Hosting;
using Xunit;

namespace Telemed.ConsultHub.Tests;

/// <summary>The command line as Program.cs reads it: normalised, then bound with the short switches.</summary>
public sealed class HubOptionsTests
{
    [Fact]
    public void Without_cluster_the_hub_is_embedded_with_blobs_in_the_data_directory()
    {
        HubOptions hub = Parse("--data", "/tmp/telemed-a", "--dicom-port", "4242");

        Assert.Null(hub.Cluster);
        Assert.Equal("/tmp/telemed-a", hub.DataDirectory);
        Assert.Equal("/tmp/telemed-a", hub.BlobRoot);
        Assert.Equal(TimeSpan.FromMinutes(1), hub.CaseCheckPeriod);
    }

    [Fact]
    public void A_bare_cluster_switch_before_other_switches_selects_the_cluster_profile()
    {
        HubOptions hub = Parse(
            "--cluster", "--redis", "127.0.0.1:7000", "--postgres", "Host=127.0.0.1;Database=t", "--blobs", "/tmp/shared-blobs",
            "--cluster-id", "east", "--Telemed:Cluster:ProbeTimeout", "00:00:02", "--Telemed:CaseCheckPeriod", "00:00:05");

        ClusterProfile cluster = Assert.IsType<ClusterProfile>(hub.Cluster);
        Assert.Equal("127.0.0.1:7000", cluster.Redis);
        Assert.Equal("Host=127.0.0.1;Database=t", cluster.Postgres);
        Assert.Equal("east", cluster.ClusterId);
        Assert.Equal("telemed", cluster.ServiceId);
        Assert.Equal(IPAddress.Loopback, cluster.AdvertisedAddress);
        Assert.Equal(TimeSpan.FromSeconds(2), cluster.ProbeTimeout);
        Assert.Equal("/tmp/shared-blobs", hub.BlobRoot);
        Assert.Equal(TimeSpan.FromSeconds(5), hub.CaseCheckPeriod);
    }

    [Fact]
    public void A_bare_cluster_switch_at_the_end_and_an_explicit_false_are_read_as_given()
    {
        Assert.NotNull(Parse("--redis", "r:1", "--postgres", "Host=p", "--cluster").Cluster);
        Assert.Null(Parse("--cluster", "false", "--redis", "r:1").Cluster);
    }

    [Fact]
    public void The_cluster_profile_without_redis_or_postgres_is_refused_with_the_missing_key()
    {
        var noRedis = Assert.Throws<InvalidOperationException>(() => Parse("--cluster", "--postgres", "Host=p"));
        Assert.Contains("Telemed:Cluster:Redis", noRedis.Message, StringComparison.Ordinal);
        var noPostgres = Assert.Throws<InvalidOperationException>(() => Parse("--cluster", "--redis", "r:1"));
        Assert.Contains("Telemed:Cluster:Postgres", noPostgres.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sign_in_limit_defaults_to_ten_a_minute_and_is_configurable()
    {
        HubOptions defaults = Parse("--data", "/tmp/telemed-a");
        Assert.Equal((10, TimeSpan.FromMinutes(1)), (defaults.SignInPermitLimit, defaults.SignInWindow));

        HubOptions set = Parse("--Telemed:SignInPermitLimit", "3", "--Telemed:SignInWindow", "00:05:00");
        Assert.Equal((3, TimeSpan.FromMinutes(5)), (set.SignInPermitLimit, set.SignInWindow));
        Assert.Throws<InvalidOperationException>(() => Parse("--Telemed:SignInPermitLimit", "many"));
        Assert.Throws<InvalidOperationException>(() => Parse("--Telemed:SignInWindow", "-00:01:00"));
    }

    private static HubOptions Parse(params string[] args) => HubOptions.From(new ConfigurationBuilder()
        .AddCommandLine(HubOptions.NormalizeArguments(args), HubOptions.CommandLineSwitches.ToDictionary())
        .Build());
}
