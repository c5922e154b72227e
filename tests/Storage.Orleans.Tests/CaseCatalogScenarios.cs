using Telemed.Storage.Cases;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.Storage.Orleans.Tests;

/// <summary>
/// Case lists and the service dashboard over case_records with known times, run on each provider. Community c1 has a
/// township centre (seven cases in the period, one before it) and a village clinic (one case); c2 has a case of its
/// own, one overflowed into c1's pool and one assigned to a c1 reader.
/// </summary>
internal static class CaseCatalogScenarios
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AsOf = T0.AddHours(34);
    private static readonly string[] Priorities = ["Stat", "Urgent", "Routine"];

    private static readonly TimeSpan Stat = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Urgent = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Routine = TimeSpan.FromHours(24);

    private static int patients;

    /// <summary>A case opened at <paramref name="opened"/>; the other times are minutes after the opening.</summary>
    private static CaseRecord Case(string community, string institution, string priority, DateTimeOffset opened, TimeSpan sla,
        double? assigned = null, double? signed = null, double? cancelled = null, string kind = "EcgRead", bool breached = false,
        string? routedTo = null, string? reader = null)
    {
        string status = cancelled is not null ? "Cancelled" : signed is not null ? "Signed" : assigned is not null ? "InProgress" : "New";
        return new CaseRecord
        {
            CaseId = Guid.NewGuid(),
            CommunityId = community,
            RoutedCommunityId = routedTo ?? community,
            RequestingInstitutionId = institution,
            RequestedBy = institution + "-staff",
            Kind = kind,
            Priority = priority,
            Specialty = kind == "EcgRead" ? "Cardiology" : "Radiology",
            Status = status,
            PatientId = $"P{Interlocked.Increment(ref patients):D5}",
            AssignedReaderId = assigned is null ? null : reader ?? community + "-card",
            ClinicalQuestion = "question",
            OpenedAt = opened,
            AssignedAt = assigned is { } a ? opened.AddMinutes(a) : null,
            AcceptedAt = assigned is { } b ? opened.AddMinutes(b + 0.5) : null,
            SignedAt = signed is { } s ? opened.AddMinutes(s) : null,
            ClosedAt = (signed ?? cancelled) is { } c ? opened.AddMinutes(c) : null,
            SlaDueAt = opened + sla,
            SlaBreached = breached,
            UpdatedAt = opened,
            Revision = 1,
        };
    }

    private sealed record Seeded(CaseRecord[] Town, CaseRecord BeforePeriod, CaseRecord Village, CaseRecord OtherCommunity, CaseRecord Overflowed, CaseRecord AssignedAcross);

    private static async Task<Seeded> SeedAsync(Func<CatalogDbContext> open)
    {
        CaseRecord[] town =
        [
            Case("c1", "town", "Stat", T0, Stat, assigned: 2, signed: 8),
            Case("c1", "town", "Stat", T0.AddHours(1), Stat, assigned: 4, signed: 16, breached: true),
            Case("c1", "town", "Urgent", T0.AddHours(2), Urgent, assigned: 6, signed: 26, kind: "ImagingRead"),
            Case("c1", "town", "Urgent", T0.AddHours(3), Urgent, assigned: 10, breached: true),
            Case("c1", "town", "Routine", T0.AddHours(4), Routine, assigned: 20, signed: 620),
            Case("c1", "town", "Routine", T0.AddHours(5), Routine),
            Case("c1", "town", "Routine", T0.AddHours(6), Routine, cancelled: 30),
        ];
        var seeded = new Seeded(
            town,
            Case("c1", "town", "Stat", T0.AddDays(-1), Stat, assigned: 1, signed: 3),
            Case("c1", "village", "Stat", T0.AddHours(1), Stat, assigned: 1, signed: 5),
            Case("c2", "other", "Stat", T0.AddHours(1), Stat, assigned: 1, signed: 5),
            Case("c2", "other", "Urgent", T0.AddHours(7), Urgent, assigned: 3, routedTo: "c1"),
            Case("c2", "other", "Routine", T0.AddHours(8), Routine, assigned: 3, reader: "c1-visiting"));
        await using CatalogDbContext catalog = open();
        catalog.CaseRecords.AddRange(town);
        catalog.CaseRecords.AddRange(seeded.BeforePeriod, seeded.Village, seeded.OtherCommunity, seeded.Overflowed, seeded.AssignedAcross);
        await catalog.SaveChangesAsync();
        return seeded;
    }

    /// <summary>Newest first; cases opened at the same time by id, as both providers order it (hex digits, byte order).</summary>
    private static Guid[] Ids(IEnumerable<CaseRecord> cases) =>
        [.. cases.OrderByDescending(c => c.OpenedAt).ThenBy(c => c.CaseId.ToString(), StringComparer.Ordinal).Select(c => c.CaseId)];

    public static async Task Lists_stay_in_scope_filter_and_page_newest_first(Func<CatalogDbContext> open)
    {
        Seeded s = await SeedAsync(open);
        var catalog = new CaseCatalog(open);

        // Staff: their institution only, newest first, total over all pages.
        CasePage first = await catalog.ListAsync(CaseScope.Institution("c1", "town"), new CaseQuery { Limit = 3 });
        Guid[] townIds = Ids(s.Town.Append(s.BeforePeriod));
        Assert.Equal(townIds.Length, first.Total);
        Assert.Equal(townIds[..3], first.Cases.Select(c => c.CaseId));
        CasePage last = await catalog.ListAsync(CaseScope.Institution("c1", "town"), new CaseQuery { Limit = 3, Offset = 6 });
        Assert.Equal(townIds[6..], last.Cases.Select(c => c.CaseId));
        Assert.Empty((await catalog.ListAsync(CaseScope.Institution("c1", "town"), new CaseQuery { Offset = 100 })).Cases);
        Assert.Empty((await catalog.ListAsync(CaseScope.Institution("c1", "other"), new CaseQuery())).Cases);

        // Readers: the community's cases, its pool's overflow from c2, and what is assigned to them from elsewhere.
        CasePage reader = await catalog.ListAsync(CaseScope.Reader("c1", "c1-visiting"), new CaseQuery { Limit = 500 });
        Assert.Equal(Ids(s.Town.Append(s.BeforePeriod).Append(s.Village).Append(s.Overflowed).Append(s.AssignedAcross)), reader.Cases.Select(c => c.CaseId));
        CasePage otherReader = await catalog.ListAsync(CaseScope.Reader("c1", "c1-card"), new CaseQuery { Limit = 500 });
        Assert.DoesNotContain(s.AssignedAcross.CaseId, otherReader.Cases.Select(c => c.CaseId));
        Assert.Equal(reader.Total - 1, otherReader.Total);

        // Admins and auditors: the community's cases and its pool's, nothing merely assigned across.
        CasePage community = await catalog.ListAsync(CaseScope.Community("c1"), new CaseQuery { Limit = 500 });
        Assert.Equal(Ids(s.Town.Append(s.BeforePeriod).Append(s.Village).Append(s.Overflowed)), community.Cases.Select(c => c.CaseId));
        Assert.DoesNotContain(s.OtherCommunity.CaseId, community.Cases.Select(c => c.CaseId));

        // Filters, each against what the seed says.
        CaseScope c1 = CaseScope.Community("c1");
        IEnumerable<CaseRecord> all = s.Town.Append(s.BeforePeriod).Append(s.Village).Append(s.Overflowed);
        await Expect(new CaseQuery { Statuses = ["New", "Cancelled"] }, all.Where(c => c.Status is "New" or "Cancelled"));
        await Expect(new CaseQuery { Priority = "Stat" }, all.Where(c => c.Priority == "Stat"));
        await Expect(new CaseQuery { Kind = "ImagingRead" }, all.Where(c => c.Kind == "ImagingRead"));
        await Expect(new CaseQuery { Specialty = "Cardiology", Priority = "Urgent" }, all.Where(c => c.Specialty == "Cardiology" && c.Priority == "Urgent"));
        await Expect(new CaseQuery { RequestingInstitutionId = "village" }, [s.Village]);
        await Expect(new CaseQuery { AssignedReaderId = "c2-card" }, [s.Overflowed]);
        await Expect(new CaseQuery { PatientId = s.Town[3].PatientId }, [s.Town[3]]);
        await Expect(new CaseQuery { OpenedFrom = T0.AddHours(2), OpenedTo = T0.AddHours(5) }, all.Where(c => c.OpenedAt >= T0.AddHours(2) && c.OpenedAt < T0.AddHours(5)));

        async Task Expect(CaseQuery query, IEnumerable<CaseRecord> expected)
        {
            CasePage page = await catalog.ListAsync(c1, query with { Limit = 500 });
            Guid[] ids = Ids(expected);
            Assert.NotEmpty(ids);
            Assert.Equal(ids, page.Cases.Select(c => c.CaseId));
            Assert.Equal(ids.Length, page.Total);
        }
    }

    public static async Task The_dashboard_counts_volumes_turnaround_and_sla_per_institution(Func<CatalogDbContext> open)
    {
        await SeedAsync(open);
        var catalog = new CaseCatalog(open);
        ServiceDashboard dashboard = await catalog.DashboardAsync("c1", null, T0, T0.AddDays(2), AsOf, Priorities);

        Assert.Equal(["town", "village"], dashboard.Institutions.Select(i => i.InstitutionId));
        InstitutionService town = dashboard.Institutions[0];
        Assert.Equal(7, town.Cases);
        Assert.Equal(new Dictionary<string, int> { ["EcgRead"] = 6, ["ImagingRead"] = 1 }, town.ByKind);
        Assert.Equal(new Dictionary<string, int> { ["Routine"] = 3, ["Stat"] = 2, ["Urgent"] = 2 }, town.ByPriority);
        Assert.Equal(new Dictionary<string, int> { ["Cancelled"] = 1, ["InProgress"] = 1, ["New"] = 1, ["Signed"] = 4 }, town.ByStatus);

        // Minutes from opening to first assignment: 2, 4, 6, 10, 20 → median 6; p90 at rank 0.9·4 = 3.6 → 10 + 0.6·10.
        Assert.Equal(new Turnaround(5, 6, 16), town.RequestToAssigned);
        // Assigned → signed: 6, 12, 20, 600 → median (12 + 20) / 2; p90 at rank 2.7 → 20 + 0.7·580.
        Assert.Equal(new Turnaround(4, 16, 426), town.AssignedToSigned);
        // Opened → signed: 8, 16, 26, 620 → median 21; p90 26 + 0.7·594.
        Assert.Equal(new Turnaround(4, 21, 441.8), town.RequestToSigned);

        // Stat: one of two signed within 10 minutes; Urgent: the signed one in time, the other open past due and
        // breached; Routine: one signed in time, one New since T0+5h (due T0+29h, before AsOf), the cancelled one not due.
        Assert.Equal(
            [new SlaCompliance("Stat", 2, 1, 50, 1, 0), new SlaCompliance("Urgent", 1, 1, 100, 1, 1), new SlaCompliance("Routine", 1, 1, 100, 0, 1)],
            town.Sla);

        Assert.Equal(8, dashboard.Overall.Cases);
        Assert.Equal(new SlaCompliance("Stat", 3, 2, 66.7, 1, 0), dashboard.Overall.Sla[0]);
        // With the village's 1 minute: 1, 2, 4, 6, 10, 20 → median (4 + 6) / 2; p90 at rank 4.5 → 10 + 0.5·10.
        Assert.Equal(new Turnaround(6, 5, 15), dashboard.Overall.RequestToAssigned);
        Assert.Equal(5, dashboard.Overall.RequestToSigned.Cases);

        // One institution; an empty period still reports every priority.
        ServiceDashboard village = await catalog.DashboardAsync("c1", "village", T0, T0.AddDays(2), AsOf, Priorities);
        InstitutionService only = Assert.Single(village.Institutions);
        Assert.Equal(("village", 1), (only.InstitutionId, only.Cases));
        Assert.Equal(new Turnaround(1, 5, 5), only.RequestToSigned);
        ServiceDashboard empty = await catalog.DashboardAsync("c1", null, T0.AddDays(10), T0.AddDays(11), AsOf, Priorities);
        Assert.Empty(empty.Institutions);
        Assert.Equal(0, empty.Overall.Cases);
        Assert.Equal(new Turnaround(0, null, null), empty.Overall.RequestToSigned);
        Assert.Equal(Priorities, empty.Overall.Sla.Select(p => p.Priority));
        Assert.All(empty.Overall.Sla, p => Assert.Null(p.PercentWithinSla));
    }
}
