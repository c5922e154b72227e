using System.Globalization;

namespace Telemed.CaseLoad;

/// <summary>Command line of the case-load benchmark: <c>--phase throughput|latency|both --cases N ...</c>.</summary>
internal sealed record LoadOptions
{
    public string Phase { get; init; } = "both";

    /// <summary>Cases submitted in the throughput phase.</summary>
    public int Cases { get; init; } = 20_000;

    /// <summary>Ingest calls in flight at once in the throughput phase (the gateway's outbox delivers concurrently too).</summary>
    public int Parallelism { get; init; } = 64;

    /// <summary>Cases per second in the latency phase.</summary>
    public int Rate { get; init; } = 200;

    public int Seconds { get; init; } = 30;

    /// <summary>Cardiologists on duty per community.</summary>
    public int Readers { get; init; } = 10;

    /// <summary>Communities the load is spread over (each has its own routing pool).</summary>
    public int Communities { get; init; } = 1;

    /// <summary>Cases ingested before measuring, so code paths are compiled and the catalog file has grown.</summary>
    public int WarmUp { get; init; } = 500;

    /// <summary>Where the run's catalog file goes (default the temp folder); /dev/shm shows what fsync costs.</summary>
    public string Folder { get; init; } = Path.GetTempPath();

    /// <summary>Seconds to wait for the last assignment before giving up.</summary>
    public int TimeoutSeconds { get; init; } = 900;

    public static LoadOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new LoadOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--phase" => options with { Phase = value },
                "--cases" => options with { Cases = Int(value) },
                "--parallelism" => options with { Parallelism = Int(value) },
                "--rate" => options with { Rate = Int(value) },
                "--seconds" => options with { Seconds = Int(value) },
                "--readers" => options with { Readers = Int(value) },
                "--communities" => options with { Communities = Int(value) },
                "--warmup" => options with { WarmUp = Int(value) },
                "--folder" => options with { Folder = value },
                "--timeout" => options with { TimeoutSeconds = Int(value) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        return options.Phase is "throughput" or "latency" or "both"
            ? options
            : throw new ArgumentException("--phase is throughput, latency or both");
    }

    private static int Int(string value) => int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
}
