namespace Telemed.DeviceGateway.Worklist;

/// <summary>
/// C-FIND attribute matching (PS3.4 §C.2.2.2): universal (empty key), single value, wild card ('*', '?') and
/// range (DA/TM "from-to", "-to", "from-") matching.
/// </summary>
internal static class AttributeMatching
{
    /// <summary>Text keys (LO, SH, CS, AE): exact or wild card; values compared without their padding.</summary>
    public static bool Text(string? key, string? value, bool ignoreCase = false)
    {
        string query = (key ?? string.Empty).Trim();
        if (query.Length == 0 || query == "*")
        {
            return true;
        }

        return Glob(query, (value ?? string.Empty).Trim(), ignoreCase);
    }

    /// <summary>
    /// PN keys: the query may name the whole value ("Wang^Wu=王^五") or one component group; letters compare without
    /// case, as most archives do (PS3.4 §C.2.2.2.1 leaves case to the implementation for PN).
    /// </summary>
    public static bool PersonName(string? key, string? value)
    {
        string query = (key ?? string.Empty).Trim();
        if (query.Length == 0 || query == "*")
        {
            return true;
        }

        string full = (value ?? string.Empty).Trim();
        if (query.Contains('=', StringComparison.Ordinal))
        {
            return Glob(query, full, ignoreCase: true);
        }

        foreach (string group in full.Split('='))
        {
            if (Glob(query, group.TrimEnd('^'), ignoreCase: true) || Glob(query.TrimEnd('^'), group.TrimEnd('^'), ignoreCase: true))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>DA or TM keys: a single value or a range; values in the catalog have the same fixed-width form.</summary>
    public static bool Range(string? key, string? value)
    {
        string query = (key ?? string.Empty).Trim();
        if (query.Length == 0)
        {
            return true;
        }

        string actual = (value ?? string.Empty).Trim();
        int dash = query.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return Prefix(actual, query) == 0;
        }

        string from = query[..dash];
        string to = query[(dash + 1)..];
        if (actual.Length == 0)
        {
            return false;
        }

        return (from.Length == 0 || Prefix(actual, from) >= 0) && (to.Length == 0 || Prefix(actual, to) <= 0);
    }

    /// <summary>Compares a value with a bound of possibly coarser precision (e.g. TM "10" against "103000").</summary>
    private static int Prefix(string actual, string bound)
    {
        string head = actual.Length > bound.Length ? actual[..bound.Length] : actual;
        return string.CompareOrdinal(head, bound);
    }

    /// <summary>'*' any run of characters, '?' exactly one; everything else literal.</summary>
    internal static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, bool ignoreCase)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
