using System.Globalization;
using Telemed.DeviceGateway.Tests.Support;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.DeviceGateway.Tests.Dicom;

/// <summary>
/// Modality Worklist C-FIND through the real gateway with DCMTK's findscu: each device sees only its own institution's
/// open steps, Chinese names arrive intact (ISO_IR 192), unknown devices are refused. Names are synthetic.
/// </summary>
public sealed class GatewayWorklistTests : IAsyncLifetime, IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("telemed-gw-findscu-").FullName;
    private DicomGatewayHarness harness = null!;

    public async Task InitializeAsync()
    {
        harness = await DicomGatewayHarness.StartAsync();
        await using SqliteCatalogDbContext context = harness.OpenCatalog();
        context.Worklist.AddRange(
            Step("township-a", "TA-001", "Zhang^Ceshi=张三^测试", "A0001", "CR", "080000"),
            Step("township-a", "TA-002", "Li^Si=李^四", "A0002", "ECG", "093000"),
            Step("township-b", "TB-001", "Wang^Fang=王^芳", "B0001", "DX", "083000"));
        WorklistItem done = Step("township-a", "TA-003", "Chen^Qi=陈^七", "A0003", "CR", "070000");
        done.Completed = true;
        context.Worklist.Add(done);
        await context.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await harness.DisposeAsync();

    public void Dispose() => Directory.Delete(output, recursive: true);

    [Fact]
    public async Task Findscu_gets_its_institutions_open_steps_with_chinese_names_accession_and_modality()
    {
        ToolProcess.Result result = await Findscu("FINDSCU", "township-a",
            "-k", "PatientName", "-k", "PatientID", "-k", "AccessionNumber",
            "-k", "ScheduledProcedureStepSequence[0].Modality", "-k", "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime");

        Assert.True(result.ExitCode == 0, result.ToString());
        DicomDataset[] matches = Responses("township-a");
        Assert.Equal(
            [("Zhang^Ceshi=张三^测试", "TA-001", "A0001", "CR", "080000"), ("Li^Si=李^四", "TA-002", "A0002", "ECG", "093000")],
            matches.Select(Summary));
        Assert.All(matches, m => Assert.Equal("ISO_IR 192", m.CharacterSet.SpecificCharacterSet));
        Assert.Equal("张三^测试", matches[0].GetPersonName(GatewayTestData.Tag("PatientName")).Ideographic);
    }

    [Fact]
    public async Task Another_institutions_device_sees_only_its_own_steps()
    {
        ToolProcess.Result result = await Findscu("TOWNSHIP_B", "township-b",
            "-k", "PatientName", "-k", "PatientID", "-k", "AccessionNumber",
            "-k", "ScheduledProcedureStepSequence[0].Modality", "-k", "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([("Wang^Fang=王^芳", "TB-001", "B0001", "DX", "083000")], Responses("township-b").Select(Summary));
    }

    [Fact]
    public async Task A_chinese_wild_card_query_in_ISO_IR_192_matches_the_ideographic_name()
    {
        ToolProcess.Result result = await Findscu("FINDSCU", "chinese",
            "-k", "SpecificCharacterSet=ISO_IR 192", "-k", "PatientName=张三*", "-k", "AccessionNumber");

        Assert.True(result.ExitCode == 0, result.ToString());
        DicomDataset match = Assert.Single(Responses("chinese"));
        Assert.Equal("Zhang^Ceshi=张三^测试", match.GetString(GatewayTestData.Tag("PatientName")));
        Assert.Equal("A0001", match.GetString(GatewayTestData.Tag("AccessionNumber")).Trim());
    }

    [Fact]
    public async Task An_unregistered_device_is_refused_before_any_query()
    {
        ToolProcess.Result result = await Findscu("NOBODY", "nobody", "-k", "PatientName");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Calling AE Title Not Recognized", result.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Responses("nobody"));
    }

    private static (string Name, string PatientId, string Accession, string Modality, string Time) Summary(DicomDataset match)
    {
        DicomDataset step = Assert.Single(match.GetSequence(GatewayTestData.Tag("ScheduledProcedureStepSequence")).Items);
        return (match.GetString(GatewayTestData.Tag("PatientName")), match.GetString(GatewayTestData.Tag("PatientID")).Trim(),
            match.GetString(GatewayTestData.Tag("AccessionNumber")).Trim(), step.GetString(GatewayTestData.Tag("Modality")).Trim(),
            step.GetString(GatewayTestData.Tag("ScheduledProcedureStepStartTime")).Trim());
    }

    private static WorklistItem Step(string institution, string patientId, string name, string accession, string modality, string time) => new()
    {
        InstitutionId = institution,
        PatientId = patientId,
        PatientName = name,
        AccessionNumber = accession,
        RequestedProcedureId = "RP" + accession,
        StudyInstanceUid = DicomUids.FromName("gateway-worklist-test-" + accession),
        Modality = modality,
        ScheduledStartDate = "20261127",
        ScheduledStartTime = time,
        ScheduledProcedureStepId = "SPS" + accession,
    };

    /// <summary>findscu -W writing each response to rsp0001.dcm, rsp0002.dcm… in <paramref name="run"/>'s folder.</summary>
    private Task<ToolProcess.Result> Findscu(string callingAe, string run, params string[] keys)
    {
        string folder = Directory.CreateDirectory(Path.Combine(output, run)).FullName;
        return ToolProcess.RunAsync("findscu",
            ["-v", "-W", "-X", "-od", folder, "-aet", callingAe, "-aec", "TELEMED", .. keys, "127.0.0.1", harness.Port.ToString(CultureInfo.InvariantCulture)]);
    }

    private DicomDataset[] Responses(string run) =>
        [.. Directory.GetFiles(Path.Combine(output, run), "rsp*.dcm").Order(StringComparer.Ordinal).Select(f => DicomFile.Open(f).Dataset)];
}
