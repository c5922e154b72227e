using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Auth;
using Telemed.Grains.Communities;
using Telemed.Storage.Accounts;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// The admin endpoints' rows of the matrix: institutions, devices, users, readers and duty, settings and roster.
/// Expectations restated independently: only the community's admin changes anything, and only in their community;
/// settings and roster are read by the community's admins, readers and auditors; the reader list by admins and
/// readers; departments by whoever sees the institution (staff: their own). Each row that changes something aims at an entity made for that row (a user, device or reader at the
/// target institution), so allowed rows do real changes without disturbing the shared hub; where a real change would
/// (county-a's tree is asserted elsewhere), an allowed row is one the endpoint lets through its scope check and then
/// refuses on the request itself (400 invalid level, 428 no If-Match), never 403.
/// </summary>
public sealed partial class AuthorizationMatrixTests
{
    public enum AdminEndpoint
    {
        AddInstitution,
        RenameInstitution,
        ListDepartments,
        AddDepartment,
        ListDevices,
        ReadDevice,
        CreateDevice,
        UpdateDevice,
        DisableDevice,
        EnableDevice,
        RotateDeviceToken,
        ReadUser,
        UpdateUser,
        DisableUser,
        EnableUser,
        ResetPassword,
        ListReaders,
        EnrolReader,
        StartDuty,
        EndDuty,
        ReadSettings,
        UpdateSettings,
        ReadRoster,
        UpdateRoster,
    }

    private static bool IsCommunityLevel(AdminEndpoint endpoint) =>
        endpoint is AdminEndpoint.ReadSettings or AdminEndpoint.UpdateSettings or AdminEndpoint.ReadRoster or AdminEndpoint.UpdateRoster or AdminEndpoint.ListReaders;

    private static bool AdminAllowed(UserRole role, Target target, AdminEndpoint endpoint)
    {
        bool inCommunity = target != Target.OtherCommunity;
        bool admin = role == UserRole.CommunityAdmin;
        bool reader = role is UserRole.Cardiologist or UserRole.Radiologist;
        return endpoint switch
        {
            AdminEndpoint.ReadSettings or AdminEndpoint.ReadRoster => (admin || reader || role == UserRole.Auditor) && inCommunity,
            AdminEndpoint.ListReaders => admin || reader,
            AdminEndpoint.ListDepartments => role is UserRole.VillageDoctor or UserRole.TownshipStaff ? target == Target.OwnInstitution : inCommunity,
            _ => admin && inCommunity,
        };
    }

    /// <summary>Every role × target × endpoint; community-level endpoints have no "other institution", the reader list names no community.</summary>
    public static TheoryData<UserRole, Target, AdminEndpoint> AdminMatrix()
    {
        var data = new TheoryData<UserRole, Target, AdminEndpoint>();
        foreach (UserRole role in Enum.GetValues<UserRole>())
        {
            foreach (Target target in Enum.GetValues<Target>())
            {
                foreach (AdminEndpoint endpoint in Enum.GetValues<AdminEndpoint>())
                {
                    bool skip = (IsCommunityLevel(endpoint) && target == Target.OtherInstitution)
                        || (endpoint == AdminEndpoint.ListReaders && target == Target.OtherCommunity);
                    if (!skip)
                    {
                        data.Add(role, target, endpoint);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AdminMatrix))]
    public async Task Role_target_admin_endpoint(UserRole role, Target target, AdminEndpoint endpoint)
    {
        string institution = InstitutionFor(role, target);
        string community = target == Target.OtherCommunity ? ApiHost.CommunityB : ApiHost.CommunityA;
        string row = $"{role}-{target}-{endpoint}-{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        using HttpClient client = host.ClientAs(ApiHost.UserOf(role));
        IGrainFactory grains = host.Services.GetRequiredService<IGrainFactory>();
        HttpStatusCode success = HttpStatusCode.OK;
        using HttpResponseMessage response = endpoint switch
        {
            AdminEndpoint.AddInstitution => await Expect(HttpStatusCode.BadRequest, () => client.PostAsJsonAsync("/api/institutions",
                new { id = row, name = "New", level = "County", parentId = institution })),
            AdminEndpoint.RenameInstitution => await Expect((HttpStatusCode)428, () => client.PutAsJsonAsync($"/api/institutions/{institution}", new { name = "Renamed" })),
            AdminEndpoint.ListDepartments => await client.GetAsync($"/api/institutions/{institution}/departments"),
            // No head: a department without one changes no escalation of the shared communities.
            AdminEndpoint.AddDepartment => await Expect(HttpStatusCode.Created, () => client.PostAsJsonAsync($"/api/institutions/{institution}/departments",
                new { id = row, name = "Row department", specialty = "Ultrasound" })),
            AdminEndpoint.ListDevices => await client.GetAsync($"/api/devices?institution={institution}"),
            AdminEndpoint.ReadDevice => await client.GetAsync($"/api/devices/{await DeviceAtAsync(institution, row)}"),
            AdminEndpoint.CreateDevice => await Expect(HttpStatusCode.Created, () => client.PostAsJsonAsync("/api/devices",
                new { id = row, name = "New", kind = "EcgCart", institutionId = institution, aeTitle = AeTitle(row), allowedAddresses = new[] { "10.9.0.0/16" } })),
            AdminEndpoint.UpdateDevice => await SendAsync(client, HttpMethod.Put, $"/api/devices/{await DeviceAtAsync(institution, row)}", new { name = "Renamed" }),
            AdminEndpoint.DisableDevice => await client.PostAsync($"/api/devices/{await DeviceAtAsync(institution, row)}/disable", null),
            AdminEndpoint.EnableDevice => await client.PostAsync($"/api/devices/{await DeviceAtAsync(institution, row)}/enable", null),
            AdminEndpoint.RotateDeviceToken => await client.PostAsync($"/api/devices/{await DeviceAtAsync(institution, row)}/token", null),
            AdminEndpoint.ReadUser => await client.GetAsync($"/api/users/{await UserAtAsync(community, institution, row, UserRole.TownshipStaff)}"),
            AdminEndpoint.UpdateUser => await SendAsync(client, HttpMethod.Put, $"/api/users/{await UserAtAsync(community, institution, row, UserRole.TownshipStaff)}",
                new { displayName = "Renamed" }),
            AdminEndpoint.DisableUser => await client.PostAsync($"/api/users/{await UserAtAsync(community, institution, row, UserRole.TownshipStaff)}/disable", null),
            AdminEndpoint.EnableUser => await client.PostAsync($"/api/users/{await UserAtAsync(community, institution, row, UserRole.TownshipStaff)}/enable", null),
            AdminEndpoint.ResetPassword => await client.PostAsJsonAsync($"/api/users/{await UserAtAsync(community, institution, row, UserRole.TownshipStaff)}/password", new { }),
            AdminEndpoint.ListReaders => await client.GetAsync("/api/readers"),
            AdminEndpoint.EnrolReader => await Expect(HttpStatusCode.Created, async () => await client.PostAsJsonAsync("/api/readers",
                new { userId = await UserAtAsync(community, institution, row, UserRole.Cardiologist), specialties = new[] { "Ultrasound" } })),
            // Ultrasound: the shared communities have no such cases, so a reader on duty takes none of theirs.
            AdminEndpoint.StartDuty => await client.PostAsync($"/api/readers/{await ReaderAtAsync(community, institution, row)}/duty/start", null),
            AdminEndpoint.EndDuty => await client.PostAsync($"/api/readers/{await ReaderAtAsync(community, institution, row)}/duty/end", null),
            AdminEndpoint.ReadSettings => await client.GetAsync($"/api/communities/{community}/settings"),
            // The same settings and roster written back: allowed rows change nothing another test depends on.
            AdminEndpoint.UpdateSettings => await SendAsync(client, HttpMethod.Put, $"/api/communities/{community}/settings",
                SettingsBody(await grains.GetGrain<ICommunityGrain>(community).GetSettingsAsync())),
            AdminEndpoint.ReadRoster => await client.GetAsync($"/api/communities/{community}/roster"),
            AdminEndpoint.UpdateRoster => await SendAsync(client, HttpMethod.Put, $"/api/communities/{community}/roster",
                new { shifts = (await grains.GetGrain<ICommunityGrain>(community).GetRosterAsync()).Value }),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };

        if (AdminAllowed(role, target, endpoint))
        {
            Assert.True(response.StatusCode == success, $"{role} {target} {endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (endpoint == AdminEndpoint.ListDevices)
            {
                Assert.DoesNotContain("\"institutionId\":\"b-", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
        else
        {
            await Problems.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }

        async Task<HttpResponseMessage> Expect(HttpStatusCode status, Func<Task<HttpResponseMessage>> send)
        {
            success = status;
            return await send();
        }
    }

    private static string AeTitle(string row) => ("M" + Guid.NewGuid().ToString("N"))[..16].ToUpperInvariant();

    private static object SettingsBody(CommunitySettings s) => new
    {
        statSla = s.StatSla,
        urgentSla = s.UrgentSla,
        routineSla = s.RoutineSla,
        acceptTimeout = s.AcceptTimeout,
        maxOpenCasesPerReader = s.MaxOpenCasesPerReader,
        upperLevelCommunityId = s.UpperLevelCommunityId,
    };

    /// <summary>PUT with If-Match: * (any version): the row tests scope, not concurrency.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return await client.SendAsync(request);
    }

    private async Task<string> DeviceAtAsync(string institution, string row)
    {
        await using CatalogDbContext catalog = host.Services.GetRequiredService<Func<CatalogDbContext>>()();
        catalog.Devices.Add(new Device { Id = row, Name = "Row device", Kind = DeviceKind.EcgMonitor, InstitutionId = institution, AeTitle = AeTitle(row) });
        await catalog.SaveChangesAsync();
        return row;
    }

    private async Task<string> UserAtAsync(string community, string institution, string row, UserRole role)
    {
        Assert.True(await host.Services.GetRequiredService<UserDirectory>().CreateAsync(new NewUser(row, "Row user", role, community, institution, ApiHost.Password)));
        return row;
    }

    private async Task<string> ReaderAtAsync(string community, string institution, string row)
    {
        await UserAtAsync(community, institution, row, UserRole.Cardiologist);
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICommunityGrain>(community)
            .EnrolReaderAsync(new ReaderEnrolment(row, "Row reader", institution, [Specialty.Ultrasound]));
        return row;
    }
}
