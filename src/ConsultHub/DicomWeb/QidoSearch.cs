using Microsoft.EntityFrameworkCore;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.DicomWeb;

/// <summary>One QIDO result: its representative catalog row and, for studies and series, the counts and modalities.</summary>
internal sealed record QidoMatch(StoredInstance Row, int SeriesCount, int InstanceCount, IReadOnlyList<string> Modalities);

/// <summary>
/// Runs a <see cref="QidoQuery"/> against the catalog, in SQL: every matching key becomes a WHERE condition on an
/// indexed column (patient names on their folded key, <see cref="PersonNameSearchKey"/>), and paging is done by the
/// database. Studies and series take three short queries: the page of keys (newest study date first), their counts,
/// and one representative row each — never a whole study in memory.
/// </summary>
internal static class QidoSearch
{
    private const string Escape = "\\";

    public static async Task<IReadOnlyList<QidoMatch>> RunAsync(CatalogDbContext catalog, QidoQuery query, IReadOnlyList<string> institutions,
        CancellationToken cancellationToken)
    {
        if (institutions.Count == 0)
        {
            return [];
        }

        IQueryable<StoredInstance> rows = Matching(InScope(catalog.Instances.AsNoTracking(), institutions), query);
        return query.Level switch
        {
            QidoLevel.Study => await StudiesAsync(catalog, rows, query, institutions, cancellationToken),
            QidoLevel.Series => await SeriesAsync(catalog, rows, query, institutions, cancellationToken),
            _ => await InstancesAsync(catalog, rows, query, cancellationToken),
        };
    }

    private static IQueryable<StoredInstance> InScope(IQueryable<StoredInstance> rows, IReadOnlyList<string> institutions)
    {
        if (institutions.Count == 1)
        {
            string only = institutions[0];
            return rows.Where(i => i.InstitutionId == only);
        }

        string[] all = [.. institutions];
        return rows.Where(i => all.Contains(i.InstitutionId!));
    }

    private static IQueryable<StoredInstance> Matching(IQueryable<StoredInstance> rows, QidoQuery q)
    {
        if (q.StudyUids is { } studies)
        {
            rows = studies.Count == 1 ? rows.Where(i => i.StudyInstanceUid == studies[0]) : rows.Where(i => studies.Contains(i.StudyInstanceUid));
        }

        if (q.SeriesUids is { } series)
        {
            rows = series.Count == 1 ? rows.Where(i => i.SeriesInstanceUid == series[0]) : rows.Where(i => series.Contains(i.SeriesInstanceUid));
        }

        if (q.SopInstanceUids is { } sops)
        {
            rows = sops.Count == 1 ? rows.Where(i => i.SopInstanceUid == sops[0]) : rows.Where(i => sops.Contains(i.SopInstanceUid));
        }

        if (q.SopClassUids is { } classes)
        {
            rows = rows.Where(i => classes.Contains(i.SopClassUid));
        }

        if (q.PatientName is { } name)
        {
            // PS3.18 §8.3.4.6 / PS3.4 C.2.2.2.4: case-insensitive, wildcards, against any component group.
            string pattern = $"%{PersonNameSearchKey.Separator}{Like(PersonNameSearchKey.Fold(name))}{PersonNameSearchKey.Separator}%";
            rows = rows.Where(i => EF.Functions.Like(i.PatientNameKey, pattern, Escape));
        }

        rows = Text(rows, q.PatientId, i => i.PatientId);
        rows = Text(rows, q.AccessionNumber, i => i.AccessionNumber);
        rows = Text(rows, q.StudyDescription, i => i.StudyDescription);
        rows = Text(rows, q.SeriesDescription, i => i.SeriesDescription);
        rows = Text(rows, q.StudyId, i => i.StudyId);
        rows = Text(rows, q.ReferringPhysicianName, i => i.ReferringPhysicianName);
        rows = Text(rows, q.PatientSex, i => i.PatientSex);
        if (q.HasStudyDate)
        {
            string? from = q.StudyDateFrom;
            string? to = q.StudyDateTo;
            if (from is not null && from == to)
            {
                rows = rows.Where(i => i.StudyDate == from);
            }
            else
            {
                if (from is not null)
                {
                    rows = rows.Where(i => string.Compare(i.StudyDate, from) >= 0);
                }

                if (to is not null)
                {
                    rows = rows.Where(i => string.Compare(i.StudyDate, to) <= 0);
                }
            }
        }

        if (q.Modalities is { } modalities)
        {
            // At study level this keeps the study's instances of these modalities, which is enough to find the study
            // (ModalitiesInStudy matches when any instance has one of them); its counts are taken over all instances.
            rows = modalities.Count == 1 ? rows.Where(i => i.Modality == modalities[0]) : rows.Where(i => modalities.Contains(i.Modality!));
        }

        if (q.SeriesNumber is int seriesNumber)
        {
            rows = rows.Where(i => i.SeriesNumber == seriesNumber);
        }

        if (q.InstanceNumber is int instanceNumber)
        {
            rows = rows.Where(i => i.InstanceNumber == instanceNumber);
        }

        return rows;
    }

    /// <summary>Equality when the value has no wildcard (an index seek), LIKE otherwise.</summary>
    private static IQueryable<StoredInstance> Text(IQueryable<StoredInstance> rows, string? value,
        System.Linq.Expressions.Expression<Func<StoredInstance, string?>> column)
    {
        if (value is null)
        {
            return rows;
        }

        System.Linq.Expressions.ParameterExpression row = column.Parameters[0];
        System.Linq.Expressions.Expression condition = value.AsSpan().IndexOfAny('*', '?') < 0
            ? System.Linq.Expressions.Expression.Equal(column.Body, System.Linq.Expressions.Expression.Constant(value, typeof(string)))
            : System.Linq.Expressions.Expression.Call(
                typeof(DbFunctionsExtensions).GetMethod(nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!,
                System.Linq.Expressions.Expression.Constant(EF.Functions),
                column.Body,
                System.Linq.Expressions.Expression.Constant(Like(value), typeof(string)),
                System.Linq.Expressions.Expression.Constant(Escape, typeof(string)));
        return rows.Where(System.Linq.Expressions.Expression.Lambda<Func<StoredInstance, bool>>(condition, row));
    }

    /// <summary>A DICOM wildcard value as a LIKE pattern: * is %, ? is _, and LIKE's own specials escaped.</summary>
    internal static string Like(string value)
    {
        var pattern = new System.Text.StringBuilder(value.Length + 4);
        foreach (char c in value)
        {
            _ = c switch
            {
                '*' => pattern.Append('%'),
                '?' => pattern.Append('_'),
                '%' or '_' or '\\' => pattern.Append('\\').Append(c),
                _ => pattern.Append(c),
            };
        }

        return pattern.ToString();
    }

    private static async Task<IReadOnlyList<QidoMatch>> StudiesAsync(CatalogDbContext catalog, IQueryable<StoredInstance> rows, QidoQuery q,
        IReadOnlyList<string> institutions, CancellationToken cancellationToken)
    {
        // A study has one study date; should its instances disagree, it shows once all the same (distinct below).
        // GROUP BY in the order of IX_instances_qido_order, so the page is read off the index (see CatalogDbContext).
        List<string> page = (await rows.GroupBy(i => new { i.StudyDate, i.StudyInstanceUid }).Select(g => g.Key)
                .OrderByDescending(k => k.StudyDate).ThenByDescending(k => k.StudyInstanceUid)
                .Skip(q.Offset).Take(q.Limit)
                .ToListAsync(cancellationToken))
            .Select(k => k.StudyInstanceUid).Distinct().ToList();
        if (page.Count == 0)
        {
            return [];
        }

        IQueryable<StoredInstance> studies = InScope(catalog.Instances.AsNoTracking(), institutions).Where(i => page.Contains(i.StudyInstanceUid));
        var counts = await studies.GroupBy(i => i.StudyInstanceUid)
            .Select(g => new
            {
                Key = g.Key,
                Series = g.Select(i => i.SeriesInstanceUid).Distinct().Count(),
                Instances = g.Select(i => i.SopInstanceUid).Distinct().Count(),
                First = g.Min(i => i.Id),
            })
            .ToListAsync(cancellationToken);
        var modalities = await studies.Where(i => i.Modality != null).Select(i => new { i.StudyInstanceUid, i.Modality }).Distinct().ToListAsync(cancellationToken);
        List<long> firstIds = [.. counts.Select(c => c.First)];
        Dictionary<long, StoredInstance> representatives = await catalog.Instances.AsNoTracking().Where(i => firstIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
        var byKey = counts.ToDictionary(c => c.Key, StringComparer.Ordinal);
        return [.. page.Where(byKey.ContainsKey).Select(uid =>
        {
            var c = byKey[uid];
            return new QidoMatch(representatives[c.First], c.Series, c.Instances,
                [.. modalities.Where(m => m.StudyInstanceUid == uid).Select(m => m.Modality!).Order(StringComparer.Ordinal)]);
        })];
    }

    private static async Task<IReadOnlyList<QidoMatch>> SeriesAsync(CatalogDbContext catalog, IQueryable<StoredInstance> rows, QidoQuery q,
        IReadOnlyList<string> institutions, CancellationToken cancellationToken)
    {
        List<string> page = (await rows.GroupBy(i => new { i.StudyDate, i.StudyInstanceUid, i.SeriesNumber, i.SeriesInstanceUid }).Select(g => g.Key)
                .OrderByDescending(k => k.StudyDate).ThenByDescending(k => k.StudyInstanceUid).ThenBy(k => k.SeriesNumber).ThenBy(k => k.SeriesInstanceUid)
                .Skip(q.Offset).Take(q.Limit)
                .ToListAsync(cancellationToken))
            .Select(k => k.SeriesInstanceUid).Distinct().ToList();
        if (page.Count == 0)
        {
            return [];
        }

        var counts = await InScope(catalog.Instances.AsNoTracking(), institutions).Where(i => page.Contains(i.SeriesInstanceUid))
            .GroupBy(i => i.SeriesInstanceUid)
            .Select(g => new { Key = g.Key, Instances = g.Select(i => i.SopInstanceUid).Distinct().Count(), First = g.Min(i => i.Id) })
            .ToListAsync(cancellationToken);
        List<long> firstIds = [.. counts.Select(c => c.First)];
        Dictionary<long, StoredInstance> representatives = await catalog.Instances.AsNoTracking().Where(i => firstIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
        var byKey = counts.ToDictionary(c => c.Key, StringComparer.Ordinal);
        return [.. page.Where(byKey.ContainsKey).Select(uid =>
        {
            var c = byKey[uid];
            StoredInstance row = representatives[c.First];
            return new QidoMatch(row, 1, c.Instances, row.Modality is null ? [] : [row.Modality]);
        })];
    }

    private static async Task<IReadOnlyList<QidoMatch>> InstancesAsync(CatalogDbContext catalog, IQueryable<StoredInstance> rows, QidoQuery q,
        CancellationToken cancellationToken)
    {
        // Only the latest version of an instance received more than once with different bytes (InstanceCatalog).
        IQueryable<StoredInstance> all = catalog.Instances;
        List<StoredInstance> page = await rows
            .Where(i => !all.Any(newer => newer.SopInstanceUid == i.SopInstanceUid && newer.Version > i.Version))
            .OrderByDescending(i => i.StudyDate).ThenByDescending(i => i.StudyInstanceUid).ThenBy(i => i.SeriesNumber).ThenBy(i => i.SeriesInstanceUid)
            .ThenBy(i => i.InstanceNumber).ThenBy(i => i.Id)
            .Skip(q.Offset).Take(q.Limit)
            .ToListAsync(cancellationToken);
        return [.. page.Select(r => new QidoMatch(r, 1, 1, r.Modality is null ? [] : [r.Modality]))];
    }
}
