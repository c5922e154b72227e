using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Telemed.ConsultHub.Hosting;

/// <summary>
/// Where the hub keeps its data and which ports it listens on. Read from configuration section "Telemed" or the
/// short command-line switches (<see cref="CommandLineSwitches"/>): <c>--data ./data --dicom-port 11112</c>.
/// </summary>
public sealed record HubOptions
{
    /// <summary>Short switches for the options an IT admin or a test sets most.</summary>
    public static IReadOnlyDictionary<string, string> CommandLineSwitches { get; } = new Dictionary<string, string>
    {
        ["--data"] = "Telemed:DataDirectory",
        ["--http"] = "Telemed:Http",
        ["--dicom-port"] = "Telemed:DicomPort",
        ["--ecg-port"] = "Telemed:EcgStreamPort",
        ["--silo-port"] = "Telemed:SiloPort",
        ["--gateway-port"] = "Telemed:OrleansGatewayPort",
        ["--demo"] = "Telemed:Demo",
    };

    /// <summary>Catalog database, blobs, ECG segments and the demo credentials file all live here.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>The web API and viewer; loopback by default so a fresh install is not exposed before it is configured.</summary>
    public string Http { get; init; } = "http://127.0.0.1:5080";

    public int DicomPort { get; init; } = 11112;

    public int EcgStreamPort { get; init; } = 11113;

    /// <summary>Orleans silo-to-silo port (localhost clustering in the embedded mode).</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Orleans client gateway port.</summary>
    public int OrleansGatewayPort { get; init; } = 30000;

    /// <summary>Seed the demo community, devices and sample cases when the catalog is empty.</summary>
    public bool Demo { get; init; } = true;

    public string CatalogPath => Path.Combine(DataDirectory, "catalog.db");

    public static HubOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection("Telemed");
        var defaults = new HubOptions();
        return new HubOptions
        {
            DataDirectory = Path.GetFullPath(section["DataDirectory"] ?? defaults.DataDirectory),
            Http = section["Http"] ?? defaults.Http,
            DicomPort = Int(section, "DicomPort", defaults.DicomPort),
            EcgStreamPort = Int(section, "EcgStreamPort", defaults.EcgStreamPort),
            SiloPort = Int(section, "SiloPort", defaults.SiloPort),
            OrleansGatewayPort = Int(section, "OrleansGatewayPort", defaults.OrleansGatewayPort),
            Demo = !bool.TryParse(section["Demo"], out bool demo) || demo,
        };
    }

    private static int Int(IConfigurationSection section, string key, int fallback)
    {
        string? text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value is >= 0 and <= 65535
            ? value
            : throw new InvalidOperationException($"Telemed:{key} must be a port number 0–65535, not '{text}'");
    }
}
