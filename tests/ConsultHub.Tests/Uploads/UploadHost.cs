using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.ConsultHub.Tests.Api;
using Telemed.Grains.Communities;
using Telemed.Storage.Accounts;
using Telemed.Testing;
using Xunit;

namespace Telemed.ConsultHub.Tests.Uploads;

/// <summary>
/// The real hub on Kestrel (a real TCP socket, unlike <see cref="ApiHost"/>'s in-memory test server), so an upload can
/// be cut off the way a dropped 3G link cuts it: the client aborts the connection mid-body and the hub sees the request
/// end early. One community with a township, its staff member and a cardiologist on duty.
/// </summary>
public sealed class UploadHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Community = "county-u";
    public const string County = "u-county";
    public const string Town = "u-town";
    public const string Staff = "u-staff";
    public const string Cardiologist = "u-card";

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "telemed-upload-host-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> tokens = [];

    public UploadHost() => UseKestrel();

    public string DataDirectory => dataDirectory;

    /// <summary>The hub's HTTP address on loopback.</summary>
    public Uri Address { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Telemed:DataDirectory", dataDirectory);
        builder.UseSetting("Telemed:Http", "http://127.0.0.1:0");
        builder.UseSetting("Telemed:DicomPort", $"{FreePorts.Next()}");
        builder.UseSetting("Telemed:EcgStreamPort", $"{FreePorts.Next()}");
        builder.UseSetting("Telemed:SiloPort", $"{FreePorts.Next()}");
        builder.UseSetting("Telemed:OrleansGatewayPort", $"{FreePorts.Next()}");
        builder.UseSetting("Telemed:Demo", "false");
    }

    public async Task InitializeAsync()
    {
        StartServer();
        string address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address);
        IGrainFactory grains = Services.GetRequiredService<IGrainFactory>();
        ICommunityGrain community = grains.GetGrain<ICommunityGrain>(Community);
        await community.DefineInstitutionAsync(new Institution(County, "U County Hospital", InstitutionLevel.County, null));
        await community.DefineInstitutionAsync(new Institution(Town, "U Township Centre", InstitutionLevel.Township, County));
        UserDirectory users = Services.GetRequiredService<UserDirectory>();
        foreach ((string id, UserRole role, string institution) in new[] { (Staff, UserRole.TownshipStaff, Town), (Cardiologist, UserRole.Cardiologist, County) })
        {
            Assert.True(await users.CreateAsync(new NewUser(id, id, role, Community, institution, ApiHost.Password)));
            tokens[id] = (await users.IssueTokenAsync(id, "tests", id)).Secret;
        }
    }

    public string TokenOf(string userId) => tokens[userId];

    /// <summary>A client over a real socket with the user's bearer token.</summary>
    public HttpClient ClientAs(string userId)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[userId]);
        return client;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held by a failing test; the OS cleans the temp folder
        }
    }
}
