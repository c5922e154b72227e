using System.Security.Cryptography;
using System.Text;

namespace Telemed.ConsultHub.Live.Calls;

/// <summary>
/// STUN/TURN servers handed to browsers for consult video (section "Telemed:WebRtc"): <c>Stun</c> and <c>Turn</c> are
/// comma-separated URLs (e.g. <c>stun:turn.example.org:3478</c>, <c>turn:turn.example.org:3478?transport=udp</c>);
/// with <c>TurnSecret</c> (coturn's <c>static-auth-secret</c>, <c>use-auth-secret</c>) each caller gets short-lived
/// TURN credentials by the TURN REST API convention (draft-uberti-behave-turn-rest): username
/// "expiry-unix-seconds:user", password base64(HMAC-SHA1(secret, username)). Media goes peer to peer or via TURN,
/// never through the hub.
/// </summary>
public sealed record IceServerOptions
{
    public IReadOnlyList<string> Stun { get; init; } = [];

    public IReadOnlyList<string> Turn { get; init; } = [];

    public string? TurnSecret { get; init; }

    public TimeSpan CredentialLifetime { get; init; } = TimeSpan.FromHours(8);

    public static IceServerOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection("Telemed:WebRtc");
        return new IceServerOptions
        {
            Stun = Urls(section["Stun"]),
            Turn = Urls(section["Turn"]),
            TurnSecret = string.IsNullOrEmpty(section["TurnSecret"]) ? null : section["TurnSecret"],
            CredentialLifetime = TimeSpan.TryParse(section["CredentialLifetime"], System.Globalization.CultureInfo.InvariantCulture, out TimeSpan lifetime)
                ? lifetime
                : TimeSpan.FromHours(8),
        };
    }

    /// <summary>The RTCIceServer list for one user at one time.</summary>
    public IReadOnlyList<IceServer> For(string userId, DateTimeOffset now)
    {
        var servers = new List<IceServer>();
        if (Stun.Count > 0)
        {
            servers.Add(new IceServer(Stun, null, null));
        }

        if (Turn.Count > 0)
        {
            if (TurnSecret is null)
            {
                servers.Add(new IceServer(Turn, null, null));
            }
            else
            {
                string username = $"{(now + CredentialLifetime).ToUnixTimeSeconds()}:{userId}";
                // HMAC-SHA1 is what coturn's use-auth-secret checks (the TURN REST API draft); HMAC, not a bare hash,
                // and the credential expires with the username.
#pragma warning disable CA5350
                string credential = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(TurnSecret), Encoding.UTF8.GetBytes(username)));
#pragma warning restore CA5350
                servers.Add(new IceServer(Turn, username, credential));
            }
        }

        return servers;
    }

    private static string[] Urls(string? list) =>
        list is null ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>One RTCIceServer as the browser's RTCPeerConnection takes it.</summary>
public sealed record IceServer(IReadOnlyList<string> Urls, string? Username, string? Credential);
