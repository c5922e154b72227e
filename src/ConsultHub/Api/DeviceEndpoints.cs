using System.Net;
using Microsoft.EntityFrameworkCore;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.DeviceGateway.Devices;
using Telemed.DeviceGateway.Hosting;
using Telemed.Grains.Communities;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The device registry of the admin's community: modalities by AE title and source addresses, ECG streamers by token
/// (shown once, kept as SHA-256). Every change is audited and reloads the gateway's registry at once, so a disabled
/// device is refused on its next association without a restart.
/// </summary>
internal static class DeviceEndpoints
{
    private const int MaxAddressesLength = 1024;

    public static void MapDevices(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder devices = api.MapGroup("/devices").WithTags("Devices");
        devices.MapGet("/", ListAsync).WithSummary("The devices of the admin's community, optionally of one institution");
        devices.MapGet("/{id}", GetAsync).WithSummary("One device, with its ETag");
        devices.MapPost("/", CreateAsync).WithSummary("Registers a device; with issueToken the device token is in this response only (audited)");
        devices.MapPut("/{id}", UpdateAsync).WithSummary("Changes a device's name, kind, institution, AE title, addresses, limit (If-Match; audited)");
        devices.MapPost("/{id}/disable", (string id, HttpContext http, Func<CatalogDbContext> catalog, GatewayService gateway, AuditTrail audit) =>
            SetEnabledAsync(id, false, http, catalog, gateway, audit)).WithSummary("Refuses the device's associations and streams from now on (audited)");
        devices.MapPost("/{id}/enable", (string id, HttpContext http, Func<CatalogDbContext> catalog, GatewayService gateway, AuditTrail audit) =>
            SetEnabledAsync(id, true, http, catalog, gateway, audit)).WithSummary("Admits the device again (audited)");
        devices.MapPost("/{id}/token", RotateTokenAsync).WithSummary("Issues a new device token, invalidating the old one; the token is in this response only (audited)");
    }

    private static async Task<IResult> ListAsync(string? institution, HttpContext http, Func<CatalogDbContext> openCatalog, IGrainFactory grains)
    {
        AccessScope scope = http.Scope();
        if (!scope.CanManageCommunity(scope.Caller.CommunityId) || (institution is not null && !await scope.CanManageInstitutionAsync(institution)))
        {
            return Results.Forbid();
        }

        List<string> institutions = institution is not null ? [institution]
            : [.. (await grains.GetGrain<ICommunityGrain>(scope.Caller.CommunityId).GetInstitutionsAsync()).Select(i => i.Id)];
        await using CatalogDbContext catalog = openCatalog();
        List<Device> devices = await catalog.Devices.AsNoTracking().Where(d => institutions.Contains(d.InstitutionId)).OrderBy(d => d.Id).ToListAsync(http.RequestAborted);
        return Results.Ok(devices.Select(DeviceView.From));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, Func<CatalogDbContext> openCatalog)
    {
        await using CatalogDbContext catalog = openCatalog();
        (Device? device, IResult? refusal) = await LoadAsync(http, catalog, id, tracked: false, audit: null, action: null);
        return device is null ? refusal! : RevisionETag.Ok(http, DeviceView.From(device), device.Version);
    }

    private static async Task<IResult> CreateAsync(DeviceRequest request, HttpContext http, Func<CatalogDbContext> openCatalog, GatewayService gateway, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        if (!scope.IsAdmin || string.IsNullOrWhiteSpace(request.InstitutionId) || !await scope.CanManageInstitutionAsync(request.InstitutionId))
        {
            await Audit(http, audit, scope, "device.create", request.Id, "forbidden");
            return Results.Forbid();
        }

        Dictionary<string, string[]> errors = Validate(request, creating: true);
        if (!Identifiers.IsValid(request.Id))
        {
            errors["id"] = [Identifiers.Rule];
        }

        if (errors.Count > 0)
        {
            await Audit(http, audit, scope, "device.create", request.Id, "invalid");
            return Results.ValidationProblem(errors);
        }

        var device = new Device
        {
            Id = request.Id!,
            Name = request.Name!.Trim(),
            Kind = request.Kind!.Value,
            InstitutionId = request.InstitutionId,
            AeTitle = AeTitle(request.AeTitle),
            AllowedAddresses = Addresses(request.AllowedAddresses) ?? string.Empty,
            MaxAssociations = request.MaxAssociations ?? 4,
        };
        string? token = request.IssueToken == true ? DeviceTokens.NewToken() : null;
        device.TokenHash = token is null ? null : DeviceTokens.Hash(token);
        await using CatalogDbContext catalog = openCatalog();
        if (await ConflictAsync(catalog, device.Id, device.AeTitle, http.RequestAborted) is { } conflict)
        {
            await Audit(http, audit, scope, "device.create", device.Id, "conflict");
            return conflict;
        }

        catalog.Devices.Add(device);
        try
        {
            await catalog.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // registered concurrently under the same id or AE title
            await Audit(http, audit, scope, "device.create", device.Id, "conflict");
            return Results.Problem(statusCode: 409, title: "the device id or AE title is taken");
        }

        await gateway.Devices.ReloadAsync(CancellationToken.None);
        await Audit(http, audit, scope, "device.create", device.Id, "ok");
        http.Response.Headers.ETag = RevisionETag.Of(device.Version);
        return Results.Created($"/api/devices/{device.Id}", new DeviceCreated(DeviceView.From(device), token));
    }

    private static async Task<IResult> UpdateAsync(string id, DeviceRequest request, HttpContext http, Func<CatalogDbContext> openCatalog, GatewayService gateway, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        await using CatalogDbContext catalog = openCatalog();
        (Device? device, IResult? refusal) = await LoadAsync(http, catalog, id, tracked: true, audit, "device.update");
        if (device is null)
        {
            return refusal!;
        }

        (int? expected, IResult? failed) = RevisionETag.Precondition(http.Request, device.Version, "device");
        if (failed is not null)
        {
            await Audit(http, audit, scope, "device.update", id, "precondition-failed");
            return failed;
        }

        Dictionary<string, string[]> errors = Validate(request, creating: false);
        if (request.InstitutionId is not null && !await scope.CanManageInstitutionAsync(request.InstitutionId))
        {
            errors["institutionId"] = ["not an institution of your community"];
        }

        if (errors.Count > 0)
        {
            await Audit(http, audit, scope, "device.update", id, "invalid");
            return Results.ValidationProblem(errors);
        }

        string? aeTitle = request.AeTitle is null ? device.AeTitle : AeTitle(request.AeTitle);
        if (aeTitle != device.AeTitle && await ConflictAsync(catalog, null, aeTitle, http.RequestAborted) is { } conflict)
        {
            await Audit(http, audit, scope, "device.update", id, "conflict");
            return conflict;
        }

        device.Name = request.Name?.Trim() ?? device.Name;
        device.Kind = request.Kind ?? device.Kind;
        device.InstitutionId = request.InstitutionId ?? device.InstitutionId;
        device.AeTitle = aeTitle;
        device.AllowedAddresses = Addresses(request.AllowedAddresses) ?? device.AllowedAddresses;
        device.MaxAssociations = request.MaxAssociations ?? device.MaxAssociations;
        return await SaveAsync(http, catalog, device, expected, gateway, audit, scope, "device.update", DeviceView.From);
    }

    private static async Task<IResult> SetEnabledAsync(string id, bool enabled, HttpContext http, Func<CatalogDbContext> openCatalog, GatewayService gateway, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        string action = enabled ? "device.enable" : "device.disable";
        await using CatalogDbContext catalog = openCatalog();
        (Device? device, IResult? refusal) = await LoadAsync(http, catalog, id, tracked: true, audit, action);
        if (device is null)
        {
            return refusal!;
        }

        device.Enabled = enabled;
        return await SaveAsync(http, catalog, device, null, gateway, audit, scope, action, DeviceView.From);
    }

    private static async Task<IResult> RotateTokenAsync(string id, HttpContext http, Func<CatalogDbContext> openCatalog, GatewayService gateway, AuditTrail audit)
    {
        AccessScope scope = http.Scope();
        await using CatalogDbContext catalog = openCatalog();
        (Device? device, IResult? refusal) = await LoadAsync(http, catalog, id, tracked: true, audit, "device.token");
        if (device is null)
        {
            return refusal!;
        }

        string token = DeviceTokens.NewToken();
        device.TokenHash = DeviceTokens.Hash(token);
        return await SaveAsync(http, catalog, device, null, gateway, audit, scope, "device.token", d => new DeviceCreated(DeviceView.From(d), token));
    }

    /// <summary>
    /// Saves a change against the version the caller named (or the one just read), advancing it; a concurrent change
    /// in between is 412. The gateway's registry is reloaded before the answer, so the change is in force when the
    /// admin reads it.
    /// </summary>
    private static async Task<IResult> SaveAsync<T>(HttpContext http, CatalogDbContext catalog, Device device, int? expected, GatewayService gateway,
        AuditTrail audit, AccessScope scope, string action, Func<Device, T> view)
    {
        if (expected is { } named)
        {
            catalog.Entry(device).Property(d => d.Version).OriginalValue = named;
        }

        device.Version++;
        try
        {
            await catalog.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateConcurrencyException)
        {
            await Audit(http, audit, scope, action, device.Id, "precondition-failed");
            catalog.ChangeTracker.Clear();
            int current = (await catalog.Devices.AsNoTracking().Where(d => d.Id == device.Id).Select(d => (int?)d.Version).FirstOrDefaultAsync(CancellationToken.None)) ?? 0;
            return RevisionETag.Stale("device", current);
        }
        catch (DbUpdateException)
        {
            await Audit(http, audit, scope, action, device.Id, "conflict");
            return Results.Problem(statusCode: 409, title: "the AE title is taken");
        }

        await gateway.Devices.ReloadAsync(CancellationToken.None);
        await Audit(http, audit, scope, action, device.Id, "ok");
        return RevisionETag.Ok(http, view(device), device.Version);
    }

    /// <summary>
    /// The device if the caller is the admin of its institution's community; else 403 (404 for an admin asking for an
    /// unknown id). A refused change is audited, with a copy in the device's community when the caller is from
    /// another one, so its auditors see who tried.
    /// </summary>
    private static async Task<(Device? Device, IResult? Refusal)> LoadAsync(HttpContext http, CatalogDbContext catalog, string id, bool tracked,
        AuditTrail? audit, string? action)
    {
        AccessScope scope = http.Scope();
        IQueryable<Device> devices = tracked ? catalog.Devices : catalog.Devices.AsNoTracking();
        Device? device = scope.IsAdmin || audit is not null ? await devices.FirstOrDefaultAsync(d => d.Id == id, http.RequestAborted) : null;
        if (device is not null && await scope.CanManageInstitutionAsync(device.InstitutionId))
        {
            return (device, null);
        }

        bool unknown = device is null && scope.IsAdmin;
        if (audit is not null && action is not null)
        {
            string? owner = device is null ? null : await http.RequestServices.GetRequiredService<IInstitutionDirectory>().CommunityOfAsync(device.InstitutionId);
            await audit.RecordAsync(http, action, "device/" + id, (string?)null, unknown ? "not-found" : "forbidden", owner);
        }

        return (null, unknown ? Results.Problem(statusCode: 404, title: $"no device {id}") : Results.Forbid());
    }

    private static async Task<IResult?> ConflictAsync(CatalogDbContext catalog, string? id, string? aeTitle, CancellationToken cancellationToken)
    {
        if (id is not null && await catalog.Devices.AnyAsync(d => d.Id == id, cancellationToken))
        {
            return Results.Problem(statusCode: 409, title: $"the device id {id} is taken");
        }

        return aeTitle is not null && await catalog.Devices.AnyAsync(d => d.AeTitle == aeTitle, cancellationToken)
            ? Results.Problem(statusCode: 409, title: $"the AE title {aeTitle} is another device's")
            : null;
    }

    private static Dictionary<string, string[]> Validate(DeviceRequest request, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        if ((creating || request.Name is not null) && (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 128))
        {
            errors["name"] = ["1–128 characters"];
        }

        if ((creating || request.Kind is not null) && (request.Kind is not { } kind || !Enum.IsDefined(kind)))
        {
            errors["kind"] = [$"one of {string.Join(", ", Enum.GetNames<DeviceKind>())}"];
        }

        // PS3.5 §6.2 AE: up to 16 characters of the default repertoire, no backslash, no control characters;
        // leading and trailing spaces are not significant.
        if (request.AeTitle is { } ae && (ae.Trim().Length is 0 or > 16 || ae.Any(c => c is '\\' or < ' ' or > '~')))
        {
            errors["aeTitle"] = ["1–16 printable ASCII characters, no backslash"];
        }

        if (request.AllowedAddresses is { } addresses)
        {
            string[] bad = [.. addresses.Where(a => !IsAddressOrNetwork(a))];
            if (bad.Length > 0)
            {
                errors["allowedAddresses"] = [.. bad.Select(a => $"'{a}' is not an IP address or CIDR range (with the host bits zero)")];
            }
            else if (string.Join(',', addresses.Select(a => a.Trim())).Length > MaxAddressesLength)
            {
                errors["allowedAddresses"] = [$"at most {MaxAddressesLength} characters in all"];
            }
        }

        if (request.MaxAssociations is < 1 or > 64)
        {
            errors["maxAssociations"] = ["between 1 and 64"];
        }

        return errors;
    }

    /// <summary>
    /// An IPv4 address in dotted quad, an IPv6 address, or a CIDR range whose address has no bits past the prefix
    /// ("10.0.0.1/8" is refused: it is either a typo for one host or for the whole /8).
    /// </summary>
    private static bool IsAddressOrNetwork(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string trimmed = text.Trim();
        int slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        string address = slash < 0 ? trimmed : trimmed[..slash];
        // IPAddress.TryParse also takes "10" or "10.1" (inet_aton shorthands): an admin's address has four parts.
        if (!IPAddress.TryParse(address, out IPAddress? parsed) || (!address.Contains(':', StringComparison.Ordinal) && address.Split('.').Length != 4))
        {
            return false;
        }

        return slash < 0 || (IPNetwork.TryParse(trimmed, out IPNetwork network) && network.BaseAddress.Equals(parsed));
    }

    private static string? AeTitle(string? aeTitle) => string.IsNullOrWhiteSpace(aeTitle) ? null : aeTitle.Trim();

    private static string? Addresses(string[]? addresses) => addresses is null ? null : string.Join(',', addresses.Select(a => a.Trim()));

    private static Task Audit(HttpContext http, AuditTrail audit, AccessScope scope, string action, string? id, string outcome) =>
        audit.RecordForAsync(http, scope.Caller.UserId, scope.Caller.CommunityId, action, "device/" + (id ?? "-"), outcome);
}

/// <summary>A device to register or change; on change, what is null stays as it is.</summary>
internal sealed record DeviceRequest(string? Id, string? Name, DeviceKind? Kind, string? InstitutionId, string? AeTitle, string[]? AllowedAddresses,
    int? MaxAssociations, bool? IssueToken);

internal sealed record DeviceView(string Id, string Name, DeviceKind Kind, string InstitutionId, string? AeTitle, IReadOnlyList<string> AllowedAddresses,
    int MaxAssociations, bool HasToken, bool Enabled, int Version)
{
    public static DeviceView From(Device device) => new(device.Id, device.Name, device.Kind, device.InstitutionId, device.AeTitle,
        device.AllowedAddresses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), device.MaxAssociations,
        device.TokenHash is not null, device.Enabled, device.Version);
}

/// <summary>A device with its new token: the only time the token exists outside the device.</summary>
internal sealed record DeviceCreated(DeviceView Device, string? Token);
