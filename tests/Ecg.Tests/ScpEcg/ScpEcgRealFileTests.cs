using Telemed.Ecg.Analysis;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.ScpEcg;
using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.Ecg.Tests.ScpEcg;

/// <summary>The SCP-ECG files of ../shared/ecg/formats/scp-ecg, checked against the facts in its MANIFEST.tsv.</summary>
public class ScpEcgRealFileTests
{
    private const string WelchAllyn2006 = "scp-ecg/farhad-abtahi__SCP-Tools__ECG_20060620_112352_197001138994.SCP";
    private const string Example = "scp-ecg/Refactoring__ECGToolkit__Example.scp";
    private const string Healforce = "scp-ecg/KaibinBao__healforcescpecg__62.SCP";

    public static TheoryData<string, double, int, string> Compliant => new()
    {
        { WelchAllyn2006, 600, 8, "I,II,V3R,V1,V2,V4,V6,V7" },
        { "scp-ecg/farhad-abtahi__SCP-Tools__ECG_20070321_110542_191010101010.SCP", 600, 8, "I,II,V1,V2,V3,V4,V5,V6" },
        { "scp-ecg/farhad-abtahi__SCP-Tools__ECG_20081029_105642_191010101010.SCP", 600, 8, "I,II,V1,V2,V3,V4,V5,V6" },
        { "scp-ecg/farhad-abtahi__SCP-Tools__ECG_20170504_163507_123456789.SCP", 600, 8, "I,II,V1,V2,V3,V4,V5,V6" },
        { Example, 500, 12, "I,II,V1,V2,V3,V4,V5,V6,III,aVR,aVL,aVF" },
    };

    [Theory]
    [MemberData(nameof(Compliant))]
    public void Compliant_files_read_with_manifest_rate_leads_and_ten_seconds(string file, double rate, int leads, string labels)
    {
        var document = ScpEcgReader.Read(TestData.FormatsFile(file));
        var recording = document.Recording;

        Assert.Equal(EcgFileFormat.ScpEcg, document.Format);
        Assert.Empty(document.Warnings);
        Assert.Equal(rate, recording.SamplingRate);
        Assert.Equal(leads, recording.Leads.Count);
        Assert.Equal(labels, string.Join(',', recording.Leads.Select(l => l.Label)));
        Assert.Equal(10.0, recording.Duration.TotalSeconds, 3);

        // Plausible millivolts: a resting ECG's QRS reaches a few tenths of a millivolt to a few millivolts, never volts.
        var lead = recording.GetLead(LeadId.II);
        var mv = lead.ToMillivolts();
        float range = mv.Max() - mv.Min();
        Assert.InRange(range, 0.3f, 8f);
    }

    [Theory]
    [MemberData(nameof(Compliant))]
    public void Qrs_detection_on_compliant_files_gives_a_resting_heart_rate(string file, double rate, int leads, string labels)
    {
        _ = (rate, leads, labels);
        var recording = ScpEcgReader.Read(TestData.FormatsFile(file)).Recording;
        var analysis = EcgAnalyzer.Analyze(recording);

        // 10 s at 40–150 bpm is 7–25 beats; the recordings are resting ECGs of adults.
        Assert.InRange(analysis.Beats.Count, 7, 25);
        double bpm = 60.0 * (analysis.Beats.Count - 1) / ((analysis.Beats[^1].Sample - analysis.Beats[0].Sample) / recording.SamplingRate);
        Assert.InRange(bpm, 40, 150);
    }

    [Fact]
    public void Section_1_gives_patient_and_acquisition()
    {
        var metadata = ScpEcgReader.Read(TestData.FormatsFile(WelchAllyn2006)).Metadata;

        Assert.Equal("197001138994", metadata.PatientId);
        Assert.Equal("Forsberg", metadata.FamilyName);
        Assert.Equal("Peter", metadata.GivenName);
        Assert.Equal(36, metadata.AgeYears);
        Assert.Equal(new DateOnly(1970, 1, 13), metadata.BirthDate);
        Assert.Equal(Sex.Male, metadata.Sex);
        Assert.Equal(new DateTime(2006, 6, 20, 11, 23, 52), metadata.AcquisitionTime); // the file name's timestamp
        Assert.Equal("MDW14", metadata.Device);
    }

    [Fact]
    public void Example_carries_the_aecg_example_subject()
    {
        var metadata = ScpEcgReader.Read(TestData.FormatsFile(Example)).Metadata;

        Assert.Equal("SBJ-123", metadata.PatientId);
        Assert.Equal("Clark", metadata.FamilyName);
        Assert.Equal(Sex.Male, metadata.Sex);
        Assert.Equal("ELI250", metadata.Device);
        Assert.Equal(new DateTime(2002, 11, 22, 9, 10, 0), metadata.AcquisitionTime);
    }

    [Fact]
    public void Healforce_file_is_read_best_effort_with_its_deviations_in_the_warnings()
    {
        var document = ScpEcgReader.Read(TestData.FormatsFile(Healforce));
        var recording = document.Recording;

        // MANIFEST: 1 lead (SCP lead id 5), 4500 samples at 150 Hz (~30 s).
        Assert.Equal(150, recording.SamplingRate);
        Assert.Equal(4500, recording.Length);
        var lead = Assert.Single(recording.Leads);
        Assert.Equal("V3", lead.Label);
        Assert.Contains(document.Warnings, w => w.Contains("Healforce", StringComparison.Ordinal) && w.Contains("integrity could not be verified", StringComparison.Ordinal));
        Assert.Contains(document.Warnings, w => w.Contains("holds 150, taken as the rate in Hz", StringComparison.Ordinal));
        Assert.Equal(new DateTime(2019, 8, 8, 0, 4, 10), document.Metadata.AcquisitionTime);

        // A real ECG: millivolt-range QRS complexes at a resting rate.
        var mv = lead.ToMillivolts();
        Assert.InRange(mv.Max() - mv.Min(), 0.3f, 5f);
        var analysis = EcgAnalyzer.Analyze(recording);
        double bpm = 60.0 * (analysis.Beats.Count - 1) / ((analysis.Beats[^1].Sample - analysis.Beats[0].Sample) / 150.0);
        Assert.InRange(bpm, 40, 150);
    }

    [Fact]
    public void A_compliant_reader_would_refuse_the_healforce_file_for_its_record_length()
    {
        // With the dialect's section 0 made 1-based, the file takes the standard path, which refuses it with the reason.
        byte[] bytes = File.ReadAllBytes(TestData.FormatsFile(Healforce));
        bytes[28] = 7;

        var error = Assert.Throws<EcgFormatException>(() => ScpEcgReader.Read(bytes));

        Assert.Contains("record length field says 1928331264 bytes but the file has 32768", error.Message, StringComparison.Ordinal);
    }
}
