using Microsoft.EntityFrameworkCore;
using Telemed.Storage.Catalog;

namespace Telemed.Storage.Cases;

/// <summary>
/// Reads over the case projection (<see cref="CaseRecord"/>, table case_records) for the API: filtered, paged lists
/// within a caller's <see cref="CaseScope"/>, and the service dashboard. The case grains stay the truth; these reads
/// never touch them, so listing thousands of cases activates no grain.
/// </summary>
public sealed class CaseCatalog(Func<CatalogDbContext> openCatalog)
{
    /// <summary>The matching cases, newest first (ties by id, so pages do not overlap), and how many match in all.</summary>
    public async Task<CasePage> ListAsync(CaseScope scope, CaseQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        await using CatalogDbContext catalog = openCatalog();
        IQueryable<CaseRecord> cases = Filter(Within(catalog.CaseRecords.AsNoTracking(), scope), query);
        int limit = Math.Clamp(query.Limit, 1, CaseQuery.MaxLimit);
        int offset = Math.Max(0, query.Offset);
        int total = await cases.CountAsync(cancellationToken).ConfigureAwait(false);
        List<CaseRecord> page = total <= offset
            ? []
            : await cases.OrderByDescending(c => c.OpenedAt).ThenBy(c => c.CaseId).Skip(offset).Take(limit)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new CasePage(total, offset, limit, page);
    }

    /// <summary>
    /// The service the community's institutions (or the one named) received for the cases opened in [from, to):
    /// volumes, turnaround and SLA compliance per institution and overall. <paramref name="priorities"/> names the
    /// priorities to report SLA compliance for, in the order to show them (every one, even without cases).
    /// </summary>
    public async Task<ServiceDashboard> DashboardAsync(string communityId, string? institutionId, DateTimeOffset from, DateTimeOffset to,
        DateTimeOffset asOf, IReadOnlyList<string> priorities, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(communityId);
        ArgumentNullException.ThrowIfNull(priorities);
        await using CatalogDbContext catalog = openCatalog();
        IQueryable<CaseRecord> cases = catalog.CaseRecords.AsNoTracking()
            .Where(c => c.CommunityId == communityId && c.OpenedAt >= from && c.OpenedAt < to);
        if (institutionId is not null)
        {
            cases = cases.Where(c => c.RequestingInstitutionId == institutionId);
        }

        // Only the columns the figures need; percentiles are computed here, since SQLite has no percentile function.
        List<CaseFacts> facts = await cases
            .Select(c => new CaseFacts(c.RequestingInstitutionId, c.Kind, c.Priority, c.Status, c.OpenedAt, c.AssignedAt,
                c.SignedAt, c.ClosedAt, c.SlaDueAt, c.SlaBreached))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        List<InstitutionService> institutions = [.. facts.GroupBy(f => f.InstitutionId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Service(g.Key, [.. g], asOf, priorities))];
        return new ServiceDashboard(communityId, institutionId, from, to, asOf, Service("*", facts, asOf, priorities), institutions);
    }

    private static IQueryable<CaseRecord> Within(IQueryable<CaseRecord> cases, CaseScope scope)
    {
        string community = scope.CommunityId;
        if (scope.InstitutionId is { } institution)
        {
            return cases.Where(c => c.CommunityId == community && c.RequestingInstitutionId == institution);
        }

        if (scope.ReaderId is { } reader)
        {
            return cases.Where(c => c.CommunityId == community || c.RoutedCommunityId == community || c.AssignedReaderId == reader);
        }

        return cases.Where(c => c.CommunityId == community || c.RoutedCommunityId == community);
    }

    private static IQueryable<CaseRecord> Filter(IQueryable<CaseRecord> cases, CaseQuery query)
    {
        if (query.Statuses.Count > 0)
        {
            string[] statuses = [.. query.Statuses.Distinct(StringComparer.Ordinal)];
            cases = cases.Where(c => statuses.Contains(c.Status));
        }

        if (query.Priority is { } priority)
        {
            cases = cases.Where(c => c.Priority == priority);
        }

        if (query.Kind is { } kind)
        {
            cases = cases.Where(c => c.Kind == kind);
        }

        if (query.Specialty is { } specialty)
        {
            cases = cases.Where(c => c.Specialty == specialty);
        }

        if (query.RequestingInstitutionId is { } institution)
        {
            cases = cases.Where(c => c.RequestingInstitutionId == institution);
        }

        if (query.AssignedReaderId is { } reader)
        {
            cases = cases.Where(c => c.AssignedReaderId == reader);
        }

        if (query.PatientId is { } patient)
        {
            cases = cases.Where(c => c.PatientId == patient);
        }

        if (query.OpenedFrom is { } from)
        {
            cases = cases.Where(c => c.OpenedAt >= from);
        }

        if (query.OpenedTo is { } to)
        {
            cases = cases.Where(c => c.OpenedAt < to);
        }

        return cases;
    }

    private static InstitutionService Service(string institutionId, IReadOnlyList<CaseFacts> facts, DateTimeOffset asOf, IReadOnlyList<string> priorities) => new(
        institutionId,
        facts.Count,
        Counts(facts, f => f.Kind),
        Counts(facts, f => f.Priority),
        Counts(facts, f => f.Status),
        Interval(facts, f => f.OpenedAt, f => f.AssignedAt),
        Interval(facts, f => f.AssignedAt, f => f.SignedAt),
        Interval(facts, f => f.OpenedAt, f => f.SignedAt),
        [.. priorities.Select(p =>
        {
            List<CaseFacts> ofPriority = [.. facts.Where(f => f.Priority == p)];
            int signed = ofPriority.Count(f => f.SignedAt is not null);
            int within = ofPriority.Count(f => f.SignedAt is { } s && s <= f.SlaDueAt);
            return new SlaCompliance(p, signed, within, signed == 0 ? null : Math.Round(100.0 * within / signed, 1),
                ofPriority.Count(f => f.SlaBreached), ofPriority.Count(f => f.ClosedAt is null && f.SlaDueAt < asOf));
        })]);

    private static Dictionary<string, int> Counts(IReadOnlyList<CaseFacts> facts, Func<CaseFacts, string> key) =>
        facts.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static Turnaround Interval(IReadOnlyList<CaseFacts> facts, Func<CaseFacts, DateTimeOffset?> start, Func<CaseFacts, DateTimeOffset?> end)
    {
        double[] minutes = [.. facts
            .Where(f => start(f) is not null && end(f) is not null)
            .Select(f => (end(f)!.Value - start(f)!.Value).TotalMinutes)
            .Order()];
        return minutes.Length == 0
            ? new Turnaround(0, null, null)
            : new Turnaround(minutes.Length, Percentile(minutes, 0.5), Percentile(minutes, 0.9));
    }

    /// <summary>The p-quantile of sorted values, interpolating between the closest ranks (rank p·(n−1), as Excel's PERCENTILE.INC).</summary>
    internal static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        double rank = p * (sorted.Count - 1);
        int low = (int)Math.Floor(rank);
        int high = (int)Math.Ceiling(rank);
        double value = sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
        return Math.Round(value, 2);
    }

    private sealed record CaseFacts(
        string InstitutionId, string Kind, string Priority, string Status, DateTimeOffset OpenedAt, DateTimeOffset? AssignedAt,
        DateTimeOffset? SignedAt, DateTimeOffset? ClosedAt, DateTimeOffset SlaDueAt, bool SlaBreached);
}
