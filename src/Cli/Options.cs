namespace Telemed.Cli;

/// <summary>Minimal argument parsing: <c>--name value</c> pairs, <c>--flag</c> switches, and positional words.</summary>
internal sealed class Options
{
    private static readonly HashSet<string> Switches = ["--json", "--errors", "--force", "--realtime", "--tls", "--mine"];
    private readonly Dictionary<string, string?> _named = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Options Parse(IReadOnlyList<string> args)
    {
        var o = new Options();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (Switches.Contains(a) || i + 1 >= args.Count)
                {
                    o._named[a] = null;
                }
                else
                {
                    o._named[a] = args[++i];
                }
            }
            else
            {
                o.Positional.Add(a);
            }
        }

        return o;
    }

    public bool Has(string name) => _named.ContainsKey(name);

    public string? Get(string name) => _named.TryGetValue(name, out var v) ? v : null;
}
