using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;
using Telemed.Samples.Dicom;
using Xunit;

namespace Telemed.Dicom.Tests.Waveforms;

public sealed class DemoSampleTests
{
    private static string Committed(string name) => Path.Combine(TestData.RepositoryRoot, "samples", "dicom", name);

    [Fact]
    public void Regenerated_samples_are_byte_identical_to_the_committed_ones()
    {
        Assert.Equal(2, DemoSamples.All.Count);
        foreach (DemoSamples.Sample sample in DemoSamples.All)
        {
            using var stream = new MemoryStream();
            DemoSamples.Write(sample, stream);
            byte[] committed = File.ReadAllBytes(Committed(sample.FileName));
            Assert.True(committed.AsSpan().SequenceEqual(stream.ToArray()),
                $"{sample.FileName} differs from the generator's output; regenerate with dotnet run --project samples/dicom/Generator");
            Assert.InRange(committed.Length, 50_000, 300_000);
        }
    }

    [Theory]
    [InlineData("ecg-normal-sinus-gb18030.dcm", "GB18030", "张^三", false)]
    [InlineData("ecg-inferior-stemi-utf8.dcm", "ISO_IR 192", "李^四", true)]
    public void Our_analysis_flags_the_STEMI_sample_and_not_the_normal_one(string file, string characterSet, string ideographic, bool stemi)
    {
        DicomFile dicom = DicomFile.Open(Committed(file));
        Assert.Equal(characterSet, dicom.Dataset.GetString(Telemed.Dicom.Tags.DicomTag.SpecificCharacterSet));
        Assert.Equal(ideographic, dicom.Dataset.GetPersonName(new Telemed.Dicom.Tags.DicomTag(0x0010, 0x0010)).Ideographic);

        EcgRecording ecg = EcgWaveformReader.Read(dicom);
        Assert.Equal(12, ecg.Leads.Count);
        Assert.Equal(500, ecg.SamplingRate);
        Assert.Equal(5000, ecg.Length);
        EcgAnalysis analysis = EcgAnalyzer.Analyze(ecg);
        Assert.Equal(stemi, analysis.Flags.Any(f => f.Kind == EcgFlagKind.StElevation));
        if (stemi)
        {
            EcgFlag flag = analysis.Flags.Single(f => f.Kind == EcgFlagKind.StElevation);
            Assert.Contains(flag.Evidence.SelectMany(e => e.Leads), l => l is LeadId.II or LeadId.III or LeadId.aVF);
        }
        else
        {
            Assert.Empty(analysis.Flags);
            Assert.InRange(analysis.Measurements.HeartRateBpm!.Value, 68, 76);
        }
    }
}
