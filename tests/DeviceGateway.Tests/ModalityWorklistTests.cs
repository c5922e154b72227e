using Telemed.DeviceGateway.Worklist;
using Telemed.Dicom.Data;
using Telemed.Dicom.Text;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.DeviceGateway.Tests;

public sealed class ModalityWorklistTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "telemed-mwl-" + Guid.NewGuid().ToString("N"));
    private readonly ModalityWorklist worklist;

    public ModalityWorklistTests()
    {
        Directory.CreateDirectory(root);
        string database = Path.Combine(root, "catalog.db");
        using (SqliteCatalogDbContext context = CatalogDatabase.OpenSqlite(database))
        {
            CatalogDatabase.MigrateAsync(context).GetAwaiter().GetResult();
            context.Worklist.AddRange(
                Step("township-a", "P001", "Wang^Wu=王^五", "A1001", "CR", "20261126", "083000", "DR_TOWNSHIP_A"),
                Step("township-a", "P002", "Zhao^Liu=赵^六", "A1002", "CR", "20261126", "143000", null),
                Step("township-a", "P003", "Li^Si=李^四", "A1003", "ECG", "20261127", "090000", null),
                Step("township-b", "P004", "Wang^Fang=王^芳", "B2001", "CR", "20261126", "100000", null));
            WorklistItem done = Step("township-a", "P005", "Chen^Qi=陈^七", "A1004", "CR", "20261126", "070000", null);
            done.Completed = true;
            context.Worklist.Add(done);
            context.SaveChanges();
        }

        worklist = new ModalityWorklist(() => CatalogDatabase.OpenSqlite(database));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Universal_query_returns_the_institutions_open_steps_with_requested_keys_only()
    {
        DicomDataset query = Query(patientName: "", modality: "", date: "");

        IReadOnlyList<DicomDataset> found = await worklist.FindAsync(query, "township-a");

        Assert.Equal(["A1001", "A1002", "A1003"], found.Select(d => d.GetString(GatewayTestData.Tag("AccessionNumber"))));
        DicomDataset first = found[0];
        Assert.Equal("Wang^Wu=王^五", first.GetString(GatewayTestData.Tag("PatientName")));
        Assert.Equal("王^五", first.GetPersonName(GatewayTestData.Tag("PatientName")).Ideographic);
        Assert.Equal("ISO_IR 192", first.GetString(GatewayTestData.Tag("SpecificCharacterSet")));
        Assert.False(first.Contains(GatewayTestData.Tag("PatientBirthDate")));
        DicomDataset step = Assert.Single(first.GetSequence(GatewayTestData.Tag("ScheduledProcedureStepSequence")).Items);
        Assert.Equal("CR", step.GetString(GatewayTestData.Tag("Modality")));
        Assert.Equal("20261126", step.GetString(GatewayTestData.Tag("ScheduledProcedureStepStartDate")));
    }

    [Theory]
    [InlineData("王*", new[] { "A1001" })]
    [InlineData("wang*", new[] { "A1001" })]
    [InlineData("*^Liu", new[] { "A1002" })]
    [InlineData("?^?", new[] { "A1001", "A1002", "A1003" })]
    [InlineData("Wang^Wu=王^五", new[] { "A1001" })]
    [InlineData("Zhang*", new string[0])]
    public async Task Patient_name_matches_any_component_group_with_wild_cards(string name, string[] accessions)
    {
        IReadOnlyList<DicomDataset> found = await worklist.FindAsync(Query(patientName: name, modality: "", date: ""), "township-a");

        Assert.Equal(accessions, found.Select(d => d.GetString(GatewayTestData.Tag("AccessionNumber"))));
    }

    [Theory]
    [InlineData("CR", "20261126", new[] { "A1001", "A1002" })]
    [InlineData("ECG", "", new[] { "A1003" })]
    [InlineData("", "20261127", new[] { "A1003" })]
    [InlineData("", "20261126-20261127", new[] { "A1001", "A1002", "A1003" })]
    [InlineData("", "-20261126", new[] { "A1001", "A1002" })]
    [InlineData("", "20261127-", new[] { "A1003" })]
    [InlineData("MR", "", new string[0])]
    public async Task Modality_and_date_range_keys_in_the_step_sequence_filter(string modality, string date, string[] accessions)
    {
        IReadOnlyList<DicomDataset> found = await worklist.FindAsync(Query(patientName: "", modality: modality, date: date), "township-a");

        Assert.Equal(accessions, found.Select(d => d.GetString(GatewayTestData.Tag("AccessionNumber"))));
    }

    [Fact]
    public async Task Another_institution_never_sees_these_patients()
    {
        IReadOnlyList<DicomDataset> found = await worklist.FindAsync(Query(patientName: "", modality: "", date: ""), "township-b");

        Assert.Equal(["B2001"], found.Select(d => d.GetString(GatewayTestData.Tag("AccessionNumber"))));
    }

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("a*c", "abbbd", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("**x", "x", true)]
    [InlineData("王?", "王五", true)]
    public void Glob_follows_the_dicom_wild_cards(string pattern, string text, bool expected) =>
        Assert.Equal(expected, AttributeMatching.Glob(pattern, text, ignoreCase: false));

    [Theory]
    [InlineData("10-12", "103000", true)]
    [InlineData("10-12", "123000", true)]
    [InlineData("10-12", "130000", false)]
    [InlineData("0900-", "083000", false)]
    [InlineData("", "", true)]
    [InlineData("20261126", "", false)]
    public void Time_ranges_compare_at_the_bounds_precision(string key, string value, bool expected) =>
        Assert.Equal(expected, AttributeMatching.Range(key, value));

    private static DicomDataset Query(string patientName, string modality, string date)
    {
        var query = new DicomDatasetBuilder(DicomCharacterSet.FromSpecificCharacterSet("ISO_IR 192"));
        query.Add("AccessionNumber").Add("PatientName", patientName).Add("PatientID").Add("StudyInstanceUID");
        DicomDatasetBuilder step = query.CreateItem()
            .Add("Modality", modality).Add("ScheduledProcedureStepStartDate", date).Add("ScheduledProcedureStepStartTime");
        query.AddSequence("ScheduledProcedureStepSequence", step);
        return query.Build();
    }

    private static WorklistItem Step(string institution, string patientId, string name, string accession, string modality,
        string date, string time, string? station) => new()
        {
            InstitutionId = institution,
            PatientId = patientId,
            PatientName = name,
            AccessionNumber = accession,
            RequestedProcedureId = "RP" + accession,
            RequestedProcedureDescription = modality == "ECG" ? "Resting 12-lead ECG" : "Chest PA",
            StudyInstanceUid = "2.25." + (uint)accession.GetHashCode(StringComparison.Ordinal),
            Modality = modality,
            ScheduledStationAeTitle = station,
            ScheduledStartDate = date,
            ScheduledStartTime = time,
            ScheduledProcedureStepId = "SPS" + accession,
        };
}
