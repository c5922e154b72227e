using System.Globalization;
using Microsoft.Extensions.Configuration;
using Telemed.Dicom.Network;

namespace Telemed.ConsultHub.Hosting;

/// <summary>
/// Where the hub keeps its data and which ports it listens on. Read from configuration section "Telemed" or the
/// short command-line switches (<see cref="CommandLineSwitches"/>): <c>--data ./data --dicom-port 11112</c>; TLS on the
/// DICOM port with <c>--dicom-tls-cert hub.pem --dicom-tls-key hub.key [--dicom-tls-clients Required --dicom-tls-trust devices.pem]</c>.
/// Embedded by default; <c>--cluster</c> switches to the <see cref="ClusterProfile"/> (section "Telemed:Cluster").
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
        ["--blobs"] = "Telemed:BlobRoot",
        ["--cluster"] = "Telemed:Cluster:Enabled",
        ["--redis"] = "Telemed:Cluster:Redis",
        ["--postgres"] = "Telemed:Cluster:Postgres",
        ["--cluster-id"] = "Telemed:Cluster:ClusterId",
        ["--dicom-tls-cert"] = "Telemed:DicomTlsCertificate",
        ["--dicom-tls-key"] = "Telemed:DicomTlsKey",
        ["--dicom-tls-password"] = "Telemed:DicomTlsPassword",
        ["--dicom-tls-clients"] = "Telemed:DicomTlsClientCertificates",
        ["--dicom-tls-trust"] = "Telemed:DicomTlsTrustedClients",
    };

    /// <summary>The SQLite catalog, blobs (unless <see cref="BlobRoot"/> says otherwise), ECG segments and the demo credentials file.</summary>
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

    /// <summary>The blob store's folder (default the data directory); in a cluster a folder every process shares.</summary>
    public string BlobRoot { get; init; } = "data";

    /// <summary>How often each routing pool checks its open cases' accept and SLA deadlines (and has lost New cases resubmit themselves).</summary>
    public TimeSpan CaseCheckPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Sign-in attempts (POST /api/auth/login) one remote address may make per <see cref="SignInWindow"/>; more are
    /// refused with 429 before the password is checked. Lockout stops guessing one account's password; this stops one
    /// address from trying many accounts (password spraying) and from keeping accounts locked. 0 turns it off.
    /// Section keys Telemed:SignInPermitLimit and Telemed:SignInWindow.
    /// </summary>
    public int SignInPermitLimit { get; init; } = 10;

    public TimeSpan SignInWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Set in the cluster profile (<c>--cluster</c>): Redis membership, PostgreSQL catalog; null when embedded.</summary>
    public ClusterProfile? Cluster { get; init; }

    /// <summary>
    /// Server certificate for TLS on the DICOM port (PS3.15 §B.1): a PEM certificate (key in <see cref="DicomTlsKey"/>
    /// or in the same file) or a PKCS#12 file (.pfx, .p12). Null, the default, keeps plain TCP.
    /// </summary>
    public string? DicomTlsCertificate { get; init; }

    /// <summary>PEM private key of <see cref="DicomTlsCertificate"/> when it is in a file of its own.</summary>
    public string? DicomTlsKey { get; init; }

    /// <summary>Password of the PKCS#12 file or the encrypted PEM key; better set as Telemed__DicomTlsPassword than on the command line.</summary>
    public string? DicomTlsPassword { get; init; }

    /// <summary>Whether devices must present a certificate over TLS: None, Optional or Required.</summary>
    public DicomClientCertificatePolicy DicomTlsClientCertificates { get; init; } = DicomClientCertificatePolicy.None;

    /// <summary>PEM file of the anchors device certificates must chain to; null: the system trust store.</summary>
    public string? DicomTlsTrustedClients { get; init; }

    public string CatalogPath => Path.Combine(DataDirectory, "catalog.db");

    /// <summary>The catalog this profile uses: the SQLite file in the data directory, or the cluster's PostgreSQL.</summary>
    public Func<Telemed.Storage.Catalog.CatalogDbContext> CatalogOpener()
    {
        string? postgres = Cluster?.Postgres;
        string sqlite = CatalogPath;
        return postgres is null
            ? () => Telemed.Storage.Catalog.CatalogDatabase.OpenSqlite(sqlite)
            : () => Telemed.Storage.Catalog.CatalogDatabase.OpenPostgres(postgres);
    }

    /// <summary>
    /// The configuration binder wants a value after every switch: a bare <c>--cluster</c> (last, or followed by another
    /// switch) means <c>--cluster=true</c>.
    /// </summary>
    public static string[] NormalizeArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var normalized = new List<string>(args.Count);
        for (int i = 0; i < args.Count; i++)
        {
            bool bare = args[i] == "--cluster" && (i + 1 == args.Count || args[i + 1].StartsWith('-'));
            normalized.Add(bare ? "--cluster=true" : args[i]);
        }

        return [.. normalized];
    }

    public static HubOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection("Telemed");
        var defaults = new HubOptions();
        string data = Path.GetFullPath(section["DataDirectory"] ?? defaults.DataDirectory);
        var options = new HubOptions
        {
            DataDirectory = data,
            BlobRoot = Path.GetFullPath(section["BlobRoot"] ?? data),
            CaseCheckPeriod = Duration(section, "CaseCheckPeriod", defaults.CaseCheckPeriod),
            SignInPermitLimit = Int(section, "SignInPermitLimit", defaults.SignInPermitLimit),
            SignInWindow = Duration(section, "SignInWindow", defaults.SignInWindow),
            Cluster = ClusterProfile.From(section.GetSection("Cluster")),
            Http = section["Http"] ?? defaults.Http,
            DicomPort = Int(section, "DicomPort", defaults.DicomPort),
            EcgStreamPort = Int(section, "EcgStreamPort", defaults.EcgStreamPort),
            SiloPort = Int(section, "SiloPort", defaults.SiloPort),
            OrleansGatewayPort = Int(section, "OrleansGatewayPort", defaults.OrleansGatewayPort),
            Demo = !bool.TryParse(section["Demo"], out bool demo) || demo,
            DicomTlsCertificate = FullPathOrNull(section["DicomTlsCertificate"]),
            DicomTlsKey = FullPathOrNull(section["DicomTlsKey"]),
            DicomTlsPassword = section["DicomTlsPassword"],
            DicomTlsClientCertificates = ClientCertificates(section),
            DicomTlsTrustedClients = FullPathOrNull(section["DicomTlsTrustedClients"]),
        };
        if (options.DicomTlsCertificate is null && (options.DicomTlsKey, options.DicomTlsTrustedClients) != (null, null))
        {
            throw new InvalidOperationException("Telemed:DicomTlsKey and Telemed:DicomTlsTrustedClients need Telemed:DicomTlsCertificate (--dicom-tls-cert)");
        }

        if (options.DicomTlsCertificate is null && options.DicomTlsClientCertificates != DicomClientCertificatePolicy.None)
        {
            throw new InvalidOperationException("Telemed:DicomTlsClientCertificates needs Telemed:DicomTlsCertificate (--dicom-tls-cert)");
        }

        return options;
    }

    private static string? FullPathOrNull(string? path) => string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path);

    private static DicomClientCertificatePolicy ClientCertificates(IConfigurationSection section)
    {
        string? text = section["DicomTlsClientCertificates"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DicomClientCertificatePolicy.None;
        }

        return Enum.TryParse(text, ignoreCase: true, out DicomClientCertificatePolicy policy) && Enum.IsDefined(policy)
            ? policy
            : throw new InvalidOperationException($"Telemed:DicomTlsClientCertificates must be None, Optional or Required, not '{text}'");
    }

    internal static TimeSpan Duration(IConfigurationSection section, string key, TimeSpan fallback)
    {
        string? text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan value) && value > TimeSpan.Zero
            ? value
            : throw new InvalidOperationException($"{section.Path}:{key} must be a positive time span such as 00:00:05, not '{text}'");
    }

    internal static int Int(IConfigurationSection section, string key, int fallback)
    {
        string? text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value is >= 0 and <= 65535
            ? value
            : throw new InvalidOperationException($"{section.Path}:{key} must be a number 0–65535, not '{text}'");
    }
}
