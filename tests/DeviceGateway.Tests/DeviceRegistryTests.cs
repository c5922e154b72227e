using System.Net;
using Telemed.DeviceGateway.Devices;
using Telemed.Dicom.Network;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.DeviceGateway.Tests;

public sealed class DeviceRegistryTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-devices-" + Guid.NewGuid().ToString("N"));
    private readonly string database;

    public DeviceRegistryTests()
    {
        Directory.CreateDirectory(root);
        database = Path.Combine(root, "catalog.db");
        using SqliteCatalogDbContext context = CatalogDatabase.OpenSqlite(database);
        CatalogDatabase.MigrateAsync(context).GetAwaiter().GetResult();
        context.Devices.AddRange(
            new Device { Id = "dr-1", Name = "Township DR", Kind = DeviceKind.DigitalRadiography, InstitutionId = "township-a", AeTitle = "DR_TOWNSHIP_A", AllowedAddresses = "10.1.0.0/16, 127.0.0.1", MaxAssociations = 2 },
            new Device { Id = "storescu", Name = "DCMTK storescu", Kind = DeviceKind.Workstation, InstitutionId = "county", AeTitle = "STORESCU", AllowedAddresses = "127.0.0.1,::1" },
            new Device { Id = "old", Name = "Retired cart", Kind = DeviceKind.EcgCart, InstitutionId = "village-1", AeTitle = "OLDCART", AllowedAddresses = "127.0.0.1", Enabled = false });
        context.SaveChanges();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    private async Task<DeviceRegistry> Registry()
    {
        var registry = new DeviceRegistry(() => CatalogDatabase.OpenSqlite(database));
        await registry.ReloadAsync();
        return registry;
    }

    [Fact]
    public async Task Registered_device_from_its_network_is_accepted_with_padding_ignored()
    {
        DeviceRegistry registry = await Registry();

        DeviceAdmission admission = registry.Admit("DR_TOWNSHIP_A   ", IPAddress.Parse("10.1.23.4"));

        Assert.True(admission.Admitted, admission.Explanation);
        Assert.Equal("township-a", admission.Device!.InstitutionId);
        Assert.Equal(1, registry.OpenAssociations("dr-1"));
        admission.Lease!.Dispose();
        admission.Lease.Dispose();
        Assert.Equal(0, registry.OpenAssociations("dr-1"));
    }

    [Fact]
    public async Task Ipv4_mapped_loopback_matches_127_0_0_1()
    {
        DeviceRegistry registry = await Registry();

        Assert.True(registry.Admit("STORESCU", IPAddress.Parse("::ffff:127.0.0.1")).Admitted);
        Assert.True(registry.Admit("STORESCU", IPAddress.IPv6Loopback).Admitted);
    }

    [Theory]
    [InlineData("NOBODY", "127.0.0.1")]
    [InlineData("OLDCART", "127.0.0.1")]
    [InlineData("DR_TOWNSHIP_A", "10.2.0.1")]
    [InlineData("STORESCU", "192.168.1.10")]
    public async Task Unknown_disabled_or_misplaced_caller_is_rejected_as_calling_ae_not_recognized(string callingAe, string address)
    {
        DeviceRegistry registry = await Registry();

        DeviceAdmission admission = registry.Admit(callingAe, IPAddress.Parse(address));

        Assert.False(admission.Admitted);
        Assert.Null(admission.Lease);
        Assert.Equal(AssociationRejection.CallingAeTitleNotRecognized, admission.Rejection);
        Assert.Equal((1, 1, 3), (admission.Rejection!.Result, admission.Rejection.Source, admission.Rejection.Reason));
    }

    [Fact]
    public async Task Device_over_its_association_limit_is_rejected_transiently_until_one_is_released()
    {
        DeviceRegistry registry = await Registry();
        IPAddress from = IPAddress.Parse("10.1.0.9");
        DeviceAdmission first = registry.Admit("DR_TOWNSHIP_A", from);
        Assert.True(registry.Admit("DR_TOWNSHIP_A", from).Admitted);

        DeviceAdmission third = registry.Admit("DR_TOWNSHIP_A", from);

        Assert.False(third.Admitted);
        Assert.Equal((2, 3, 2), (third.Rejection!.Result, third.Rejection.Source, third.Rejection.Reason));
        Assert.Equal(2, registry.OpenAssociations("dr-1"));
        first.Lease!.Dispose();
        Assert.True(registry.Admit("DR_TOWNSHIP_A", from).Admitted);
    }

    [Fact]
    public void Device_tokens_are_kept_as_hashes_and_compared_exactly()
    {
        string token = DeviceTokens.NewToken();
        string hash = DeviceTokens.Hash(token);

        Assert.Equal(43, token.Length);
        Assert.DoesNotContain(token, hash, StringComparison.Ordinal);
        Assert.True(DeviceTokens.Matches(token, hash));
        Assert.False(DeviceTokens.Matches(token + "x", hash));
        Assert.False(DeviceTokens.Matches(DeviceTokens.NewToken(), hash));
        Assert.False(DeviceTokens.Matches(token, null));
    }
}
