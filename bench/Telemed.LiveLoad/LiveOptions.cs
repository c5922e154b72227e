using System.Globalization;

namespace Telemed.LiveLoad;

/// <summary>Command line: <c>--phase chat|ecg|both --clients 1000 --per-session 10 --users 100 --rate 100 --viewers 50 --seconds 30 --warmup 5 --block-ms 20 --hub path/to/Telemed.ConsultHub.dll</c>.</summary>
internal sealed record LiveOptions
{
    public string Phase { get; init; } = "both";

    public int Clients { get; init; } = 1000;

    public int ClientsPerSession { get; init; } = 10;

    public int Users { get; init; } = 100;

    /// <summary>Chat messages per second over all sessions.</summary>
    public int Rate { get; init; } = 100;

    public int Viewers { get; init; } = 50;

    public int Seconds { get; init; } = 30;

    public int WarmupSeconds { get; init; } = 5;

    public int BlockMilliseconds { get; init; } = 20;

    public string? HubDll { get; init; }

    public static LiveOptions Parse(string[] args)
    {
        var options = new LiveOptions();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--phase" => options with { Phase = value },
                "--clients" => options with { Clients = Int() },
                "--per-session" => options with { ClientsPerSession = Int() },
                "--users" => options with { Users = Int() },
                "--rate" => options with { Rate = Int() },
                "--viewers" => options with { Viewers = Int() },
                "--seconds" => options with { Seconds = Int() },
                "--warmup" => options with { WarmupSeconds = Int() },
                "--block-ms" => options with { BlockMilliseconds = Int() },
                "--hub" => options with { HubDll = value },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }
}
