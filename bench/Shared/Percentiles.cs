using System.Globalization;

namespace Telemed.Bench;

/// <summary>Latency summaries shared by the bench tools (linked into each project), so their figures are computed alike.</summary>
internal static class Percentiles
{
    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Of(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        int rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static string Summary(IEnumerable<double> values)
    {
        List<double> sorted = [.. values.Order()];
        return string.Create(CultureInfo.InvariantCulture,
            $"n={sorted.Count} p50={Of(sorted, 50):F1} p95={Of(sorted, 95):F1} p99={Of(sorted, 99):F1} max={(sorted.Count > 0 ? sorted[^1] : double.NaN):F1} ms");
    }
}
