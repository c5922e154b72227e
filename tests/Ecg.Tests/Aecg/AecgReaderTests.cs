using System.Text;
using Telemed.Ecg.Aecg;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.ScpEcg;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Tests.Formats;
using Telemed.Ecg.Tests.ScpEcg;
using Xunit;

namespace Telemed.Ecg.Tests.Aecg;

/// <summary>The two real HL7 aECG files, our writer's documents, hostile XML, and the FDA example against its SCP-ECG conversion.</summary>
public class AecgReaderTests
{
    private const string Fda = "hl7-aecg/FDA__aecg-python__Example_aECG.xml";
    private const string Amps = "hl7-aecg/CardioVascular-Research-Group__hl7aECG__hl7aecg-Example2.xml";

    [Theory]
    [InlineData(Fda, 500)]
    [InlineData(Amps, 1000)]
    public void Real_files_read_the_rhythm_series_with_manifest_rate_and_twelve_leads(string file, double rate)
    {
        var document = AecgReader.Read(TestData.FormatsFile(file));
        var recording = document.Recording;

        Assert.Equal(EcgFileFormat.HL7Aecg, document.Format);
        Assert.Empty(document.Warnings);
        Assert.Equal(rate, recording.SamplingRate);
        Assert.Equal(12, recording.Leads.Count);
        Assert.Equal(LeadNames.Standard12.Order(), recording.Leads.Select(l => l.Id).Order());
        Assert.Equal(10.0, recording.Duration.TotalSeconds, 3); // rhythm, not the 1.2 s representative beat

        var analysis = EcgAnalyzer.Analyze(recording);
        double bpm = 60.0 * (analysis.Beats.Count - 1) / ((analysis.Beats[^1].Sample - analysis.Beats[0].Sample) / rate);
        Assert.InRange(bpm, 40, 150);
    }

    [Fact]
    public void Fda_example_gives_subject_and_device()
    {
        var metadata = AecgReader.Read(TestData.FormatsFile(Fda)).Metadata;

        Assert.Equal("SBJ-123", metadata.PatientId);
        Assert.Equal("Clark", metadata.FamilyName);
        Assert.Equal(Sex.Male, metadata.Sex);
        Assert.Equal(new DateOnly(1953, 5, 8), metadata.BirthDate);
        Assert.Equal(46, metadata.AgeYears);
        Assert.Equal(new DateTime(2002, 11, 22, 9, 10, 0), metadata.AcquisitionTime);
        Assert.Equal("ELI250", metadata.Device);
    }

    [Fact]
    public void Fda_example_and_its_scp_ecg_conversion_carry_the_same_samples()
    {
        var xml = AecgReader.Read(TestData.FormatsFile(Fda)).Recording;
        var scp = ScpEcgReader.Read(TestData.FormatsFile("scp-ecg/Refactoring__ECGToolkit__Example.scp")).Recording;

        Assert.Equal(xml.SamplingRate, scp.SamplingRate);
        Assert.Equal(xml.Length, scp.Length);
        foreach (var id in LeadNames.Standard12)
        {
            var a = xml.GetLead(id);
            var b = scp.GetLead(id);
            double worst = 0;
            for (int t = 0; t < xml.Length; t++)
            {
                worst = Math.Max(worst, Math.Abs(a[t] - b[t]) * 1000);
            }

            // Both store 2.5 µV steps and the toolkit converted without re-filtering: the samples are identical.
            Assert.True(worst <= 1e-9, $"lead {id}: {worst} µV apart");
        }
    }

    [Fact]
    public void Writer_round_trip_gives_the_same_millivolts_and_metadata()
    {
        var recording = ScpEcgWriterTests.Synthetic(rate: 360, seconds: 4);
        var metadata = new EcgMetadata
        {
            PatientId = "TWN-7",
            FamilyName = "Li",
            Sex = Sex.Male,
            BirthDate = new DateOnly(1949, 12, 1),
            AgeYears = 76,
            AcquisitionTime = new DateTime(2026, 11, 26, 7, 0, 5, 250),
            Device = "CART2",
        };

        var document = AecgReader.Read(AecgWriter.Write(recording, metadata));

        Assert.Equal(metadata, document.Metadata);
        Assert.Equal(360, document.Recording.SamplingRate);
        for (int l = 0; l < recording.Leads.Count; l++)
        {
            Assert.Equal(recording.Leads[l].Id, document.Recording.Leads[l].Id);
            for (int t = 0; t < recording.Length; t++)
            {
                Assert.Equal(recording.Leads[l][t], document.Recording.Leads[l][t], 9);
            }
        }
    }

    [Fact]
    public void Dtd_and_entities_are_refused()
    {
        string bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE AnnotatedECG [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <AnnotatedECG xmlns="urn:hl7-org:v3"><id root="&b;"/></AnnotatedECG>
            """;

        var error = Assert.Throws<EcgFormatException>(() => AecgReader.Read(Encoding.UTF8.GetBytes(bomb)));

        Assert.Equal(EcgFileFormat.HL7Aecg, error.Format);
        Assert.Contains("DTD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lead_with_a_broken_digit_is_refused_naming_the_lead()
    {
        string xml = Encoding.UTF8.GetString(AecgWriter.Write(ScpEcgWriterTests.Synthetic(seconds: 1)));
        int at = xml.IndexOf("<digits>", xml.IndexOf("MDC_ECG_LEAD_V2", StringComparison.Ordinal), StringComparison.Ordinal) + "<digits>".Length;
        xml = xml[..at] + "12x " + xml[at..];

        var error = Assert.Throws<EcgFormatException>(() => AecgReader.Read(Encoding.UTF8.GetBytes(xml)));

        Assert.Contains("MDC_ECG_LEAD_V2", error.Message, StringComparison.Ordinal);
        Assert.Contains("'12x'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e-320")]
    [InlineData("0")]
    [InlineData("NaN")]
    public void An_unusable_scale_is_refused_naming_the_lead(string scale)
    {
        string xml = Encoding.UTF8.GetString(AecgWriter.Write(ScpEcgWriterTests.Synthetic(seconds: 1)));
        int lead = xml.IndexOf("MDC_ECG_LEAD_I\"", StringComparison.Ordinal);
        int at = xml.IndexOf("<scale value=\"", lead, StringComparison.Ordinal) + "<scale value=\"".Length;
        xml = xml[..at] + scale + xml[xml.IndexOf('"', at)..];

        var error = Assert.Throws<EcgFormatException>(() => AecgReader.Read(Encoding.UTF8.GetBytes(xml)));

        Assert.Contains("sequence MDC_ECG_LEAD_I/value/scale", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutated_documents_read_or_fail_with_a_format_exception()
    {
        var recording = new EcgRecording(500, ScpEcgWriterTests.Synthetic(seconds: 1).Leads.Take(3).ToList());
        byte[] original = AecgWriter.Write(recording, new EcgMetadata { PatientId = "X", AcquisitionTime = new DateTime(2026, 1, 2, 3, 4, 5) });
        int read = 0, refused = 0;
        foreach (byte[] mutated in Mutations.Of(original, 400, seed: 7))
        {
            try
            {
                Assert.True(AecgReader.Read(mutated).Recording.Length > 0);
                read++;
            }
            catch (EcgFormatException e)
            {
                Assert.StartsWith("HL7 aECG: ", e.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.True(read > 0 && refused > 0, $"{read} read, {refused} refused");
    }
}
