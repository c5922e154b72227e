using System.Diagnostics;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Text;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.Dicom.Tests.Waveforms;

public sealed class EcgWaveformWriterTests
{
    private static EcgStudyInfo Study(string characterSet = "ISO_IR 192") => new()
    {
        PatientName = "Wang^Wu=王^五",
        PatientId = "TEST-1",
        AcquisitionDateTime = new DateTime(2026, 2, 1, 8, 0, 0, DateTimeKind.Unspecified),
        StudyInstanceUid = DicomUids.FromName("writer/study"),
        SeriesInstanceUid = DicomUids.FromName("writer/series"),
        SopInstanceUid = DicomUids.FromName("writer/instance"),
        CharacterSet = DicomCharacterSet.FromSpecificCharacterSet(characterSet),
    };

    /// <summary>A real 12-lead ECG (Mortara, 1.25 µV per ADU) read, written, read again.</summary>
    private static EcgRecording RealEcg() =>
        EcgWaveformReader.Read(DicomFile.Open(TestData.PathOf("pydicom/test_files/waveform_ecg.dcm"))).Slice(0, 10000);

    [Fact]
    public void Written_ECG_reads_back_with_the_same_millivolts_leads_and_rate()
    {
        EcgRecording original = RealEcg();
        using var stream = new MemoryStream();
        EcgWaveformWriter.Create(original, Study()).Write(stream);
        DicomFile file = DicomFile.Parse(stream.ToArray());
        EcgRecording back = EcgWaveformReader.Read(file);

        Assert.Equal(WaveformSopClasses.TwelveLeadEcg, file.Dataset.GetUid(DicomDictionary.GetTag("SOPClassUID")));
        Assert.Equal(original.SamplingRate, back.SamplingRate);
        Assert.Equal(original.Leads.Select(l => l.Id), back.Leads.Select(l => l.Id));
        for (int c = 0; c < original.Leads.Count; c++)
        {
            Assert.Equal(original.Leads[c].AduPerMillivolt, back.Leads[c].AduPerMillivolt, 9);
            Assert.Equal(original.Leads[c].ToMillivolts(), back.Leads[c].ToMillivolts());
        }
    }

    [Fact]
    public void Leads_beyond_16_bits_are_requantized_within_one_step()
    {
        int[] wide = [.. Enumerable.Range(0, 500).Select(i => (int)(100_000 * Math.Sin(i / 20.0)))];
        var leads = LeadNames.Standard12.Select(id => new EcgLead(id, id.ToString(), wide, 10_000, 0)).ToList(); // 0.1 µV per ADU, ±10 mV
        var ecg = new EcgRecording(500, leads);
        using var stream = new MemoryStream();
        EcgWaveformWriter.Create(ecg, Study()).Write(stream);
        EcgLead back = EcgWaveformReader.Read(DicomFile.Parse(stream.ToArray())).Leads[0];

        double stepMv = 1 / back.AduPerMillivolt;
        Assert.InRange(stepMv, 0.0003, 0.0004); // 10 mV over 32767 steps, rounded up to the nanovolt
        for (int i = 0; i < wide.Length; i++)
        {
            Assert.InRange(back[i] - leads[0][i], -stepMv / 2 - 1e-9, stepMv / 2 + 1e-9);
        }
    }

    [Fact]
    public void Analysis_is_stored_as_waveform_annotations()
    {
        EcgRecording ecg = RealEcg();
        EcgAnalysis analysis = EcgAnalyzer.Analyze(ecg);
        DicomDataset ds = EcgWaveformWriter.Build(ecg, Study(), analysis);
        IReadOnlyList<DicomDataset> items = ds.GetSequence(DicomDictionary.GetTag("WaveformAnnotationSequence")).Items;

        DicomDataset qrs = items.Single(i => CodedConcept.FromSequence(i, DicomDictionary.GetTag("ConceptNameCodeSequence")) == EcgAnnotationCodes.QrsComplex);
        DicomElement positions = qrs[DicomDictionary.GetTag("ReferencedSamplePositions")];
        Assert.Equal(analysis.Beats.Count, positions.ValueCount);
        Assert.Equal(analysis.Beats[0].Sample + 1, positions.GetUInt32(0)); // C.10.10.1.2: positions count from 1
        Assert.Equal("MULTIPOINT", qrs.GetString(DicomDictionary.GetTag("TemporalRangeType")));

        DicomDataset heartRate = items.Single(i => CodedConcept.FromSequence(i, DicomDictionary.GetTag("ConceptNameCodeSequence")) == EcgAnnotationCodes.HeartRate);
        Assert.Equal(Math.Round(analysis.Measurements.HeartRateBpm!.Value), heartRate.GetDouble(DicomDictionary.GetTag("NumericValue")));
        Assert.Equal(EcgAnnotationCodes.PerMinute, CodedConcept.FromSequence(heartRate, DicomDictionary.GetTag("MeasurementUnitsCodeSequence")));
    }

    [Fact]
    public void Stored_analysis_reads_back_as_typed_annotations()
    {
        EcgRecording ecg = RealEcg();
        EcgAnalysis analysis = EcgAnalyzer.Analyze(ecg);
        using var stream = new MemoryStream();
        EcgWaveformWriter.Create(ecg, Study(), analysis).Write(stream);
        IReadOnlyList<EcgWaveformAnnotation> annotations = EcgWaveformReader.ReadAnnotations(DicomFile.Parse(stream.ToArray()).Dataset);

        Assert.All(annotations, a => Assert.Equal(1, a.Group));
        EcgWaveformAnnotation qrs = annotations.Single(a => a.Concept == EcgAnnotationCodes.QrsComplex);
        Assert.Equal(analysis.Beats.Select(b => b.Sample), qrs.SampleIndices);
        EcgWaveformAnnotation qrsDuration = annotations.Single(a => a.Concept == EcgAnnotationCodes.QrsDuration);
        Assert.Equal(Math.Round(analysis.Measurements.QrsMs!.Value), qrsDuration.NumericValue);
        Assert.Equal(EcgAnnotationCodes.Millisecond, qrsDuration.Unit);
    }

    [Fact]
    public void Flags_are_stored_as_text_annotations()
    {
        DicomFile stemi = DicomFile.Open(Path.Combine(TestData.RepositoryRoot, "samples", "dicom", "ecg-inferior-stemi-utf8.dcm"));
        IReadOnlyList<EcgWaveformAnnotation> annotations = EcgWaveformReader.ReadAnnotations(stemi.Dataset);
        Assert.Contains(annotations, a => a.Concept is null && a.Text!.StartsWith("Stat StElevation: ST elevation in II, III, aVF", StringComparison.Ordinal));
        Assert.Empty(EcgWaveformReader.ReadAnnotations(DicomFile.Open(TestData.PathOf("pydicom/test_files/CT_small.dcm")).Dataset));
    }

    [Fact]
    public void Long_or_fast_recordings_become_General_ECG()
    {
        var leads = LeadNames.Standard12.Select(id => new EcgLead(id, id.ToString(), new int[20000], 1000, 0)).ToList();
        DicomDataset ds = EcgWaveformWriter.Build(new EcgRecording(500, leads), Study());
        Assert.Equal(WaveformSopClasses.GeneralEcg, ds.GetUid(DicomDictionary.GetTag("SOPClassUID")));
    }

    [Fact]
    public void A_lead_without_a_CID_3001_code_is_refused()
    {
        var ecg = new EcgRecording(360, [new EcgLead(LeadId.MLII, "MLII", new int[10], 200, 0)]);
        Assert.Throws<ArgumentException>(() => EcgWaveformWriter.Build(ecg, Study()));
    }

    [Theory]
    [InlineData("GB18030")]
    [InlineData("ISO_IR 192")]
    public void Dciodvfy_finds_no_errors_in_what_we_write(string characterSet)
    {
        EcgRecording ecg = RealEcg();
        string path = Path.Combine(Path.GetTempPath(), $"telemed-ecg-{Guid.NewGuid():N}.dcm");
        try
        {
            EcgWaveformWriter.Create(ecg, Study(characterSet), EcgAnalyzer.Analyze(ecg)).Save(path);
            var start = new ProcessStartInfo("dciodvfy", [path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using Process process = Process.Start(start)!;
            string report = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Contains("TwelveLeadECG", report, StringComparison.Ordinal);
            Assert.DoesNotContain("Error", report, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
