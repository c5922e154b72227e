using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Cases;
using Telemed.Grains.Communities;
using Telemed.Storage.Accounts;
using Telemed.Storage.Catalog;
using Telemed.Testing;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// The real hub (silo, gateway, HTTP pipeline) in WebApplicationFactory on its own data folder and free ports, with
/// two communities: county-a (county hospital, township, village) and county-b (county hospital, township), one user
/// per role in county-a and a few in county-b, a case and a study at each institution.
/// </summary>
public sealed class ApiHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string CommunityA = "county-a";
    public const string CommunityB = "county-b";
    public const string CountyA = "a-county";
    public const string TownA = "a-town";
    public const string VillageA = "a-village";
    public const string CountyB = "b-county";
    public const string TownB = "b-town";
    public const string Password = "correct horse battery";

    /// <summary>The consult hub's WebRTC settings (coturn-style TURN REST credentials from the secret).</summary>
    public const string StunUrl = "stun:turn.example.org:3478";
    public const string TurnUrl = "turn:turn.example.org:3478?transport=udp";
    public const string TurnSecret = "coturn-static-auth-secret";

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "telemed-api-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> tokens = [];

    public string DataDirectory => dataDirectory;

    public string CatalogPath => Path.Combine(dataDirectory, "catalog.db");

    /// <summary>The case opened at each institution.</summary>
    public Dictionary<string, Guid> CaseAt { get; } = [];

    /// <summary>The patient of the case and study at each institution.</summary>
    public static string PatientAt(string institution) => "PAT-" + institution;

    /// <summary>county-a users by role, and where they work.</summary>
    public static readonly (string Id, UserRole Role, string Institution)[] UsersA =
    [
        ("a-village-doctor", UserRole.VillageDoctor, VillageA),
        ("a-township-staff", UserRole.TownshipStaff, TownA),
        ("a-cardiologist", UserRole.Cardiologist, CountyA),
        ("a-radiologist", UserRole.Radiologist, CountyA),
        ("a-admin", UserRole.CommunityAdmin, CountyA),
        ("a-auditor", UserRole.Auditor, CountyA),
    ];

    public static string UserOf(UserRole role) => UsersA.Single(u => u.Role == role).Id;

    public static string InstitutionOf(UserRole role) => UsersA.Single(u => u.Role == role).Institution;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Telemed:DataDirectory", dataDirectory);
        builder.UseSetting("Telemed:Http", "http://127.0.0.1:0");
        builder.UseSetting("Telemed:DicomPort", $"{FreePorts.Next()}");
        builder.UseSetting("Telemed:EcgStreamPort", $"{FreePorts.Next()}");
        builder.UseSetting("Telemed:SiloPort", $"{FreePorts.Next()}");
        builder.UseSetting("Telemed:OrleansGatewayPort", $"{FreePorts.Next()}");
        builder.UseSetting("Telemed:Demo", "false");
        // Every test signs in from TestServer's one (unknown) address: far above what the whole suite uses in a window.
        // SignInRateLimitTests runs a host of its own with a low limit.
        builder.UseSetting("Telemed:SignInPermitLimit", "60000");
        builder.UseSetting("Telemed:WebRtc:Stun", StunUrl);
        builder.UseSetting("Telemed:WebRtc:Turn", TurnUrl);
        builder.UseSetting("Telemed:WebRtc:TurnSecret", TurnSecret);
    }

    public async Task InitializeAsync()
    {
        _ = Server; // starts the host
        IGrainFactory grains = Services.GetRequiredService<IGrainFactory>();
        ICommunityGrain a = grains.GetGrain<ICommunityGrain>(CommunityA);
        await a.DefineInstitutionAsync(new Institution(CountyA, "A County Hospital", InstitutionLevel.County, null));
        await a.DefineInstitutionAsync(new Institution(TownA, "A Township Centre", InstitutionLevel.Township, CountyA));
        await a.DefineInstitutionAsync(new Institution(VillageA, "A Village Clinic", InstitutionLevel.Village, TownA));
        ICommunityGrain b = grains.GetGrain<ICommunityGrain>(CommunityB);
        await b.DefineInstitutionAsync(new Institution(CountyB, "B County Hospital", InstitutionLevel.County, null));
        await b.DefineInstitutionAsync(new Institution(TownB, "B Township Centre", InstitutionLevel.Township, CountyB));

        UserDirectory users = Services.GetRequiredService<UserDirectory>();
        foreach ((string id, UserRole role, string institution) in UsersA)
        {
            Assert.True(await users.CreateAsync(new NewUser(id, id, role, CommunityA, institution, Password)));
        }

        Assert.True(await users.CreateAsync(new NewUser("b-admin", "b-admin", UserRole.CommunityAdmin, CommunityB, CountyB, Password)));
        Assert.True(await users.CreateAsync(new NewUser("b-cardiologist", "b-cardiologist", UserRole.Cardiologist, CommunityB, CountyB, Password)));

        Func<CatalogDbContext> openCatalog = Services.GetRequiredService<Func<CatalogDbContext>>();
        await using CatalogDbContext catalog = openCatalog();
        foreach ((string community, string institution) in new[] { (CommunityA, CountyA), (CommunityA, TownA), (CommunityA, VillageA), (CommunityB, CountyB), (CommunityB, TownB) })
        {
            Guid caseId = Guid.NewGuid();
            await grains.GetGrain<ICaseGrain>(caseId).OpenAsync(new CaseRequest(community, CaseKind.EcgRead, CasePriority.Routine,
                "chest pain since morning", institution, "test", PatientAt(institution)));
            CaseAt[institution] = caseId;
            string study = "2.25." + BitConverter.ToUInt64(caseId.ToByteArray());
            catalog.Instances.Add(new StoredInstance
            {
                SopInstanceUid = study + ".1",
                SopClassUid = "1.2.840.10008.5.1.4.1.1.9.1.1",
                StudyInstanceUid = study,
                SeriesInstanceUid = study + ".0",
                TransferSyntaxUid = "1.2.840.10008.1.2.1",
                PatientId = PatientAt(institution),
                PatientName = "Test^" + institution,
                Modality = "ECG",
                StudyDate = "20261127",
                BlobHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(caseId.ToByteArray())),
                Length = 1,
                Version = 1,
                ReceivedAtUtc = DateTime.UtcNow,
                InstitutionId = institution,
            });
        }

        await catalog.SaveChangesAsync();
        foreach (string id in UsersA.Select(u => u.Id).Append("b-admin").Append("b-cardiologist"))
        {
            tokens[id] = (await users.IssueTokenAsync(id, "tests", id)).Secret;
        }
    }

    /// <summary>The user's bearer token (for hub connections).</summary>
    public string TokenOf(string userId) => tokens[userId];

    /// <summary>A client that sends the user's bearer token (no cookies).</summary>
    public HttpClient ClientAs(string userId)
    {
        HttpClient client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[userId]);
        return client;
    }

    /// <summary>A client that keeps cookies, signed in with the password.</summary>
    public async Task<HttpClient> SignedInAsync(string userId)
    {
        HttpClient client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/auth/login", new { user = userId, password = Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
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
