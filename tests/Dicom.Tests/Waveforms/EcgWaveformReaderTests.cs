using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.Dicom.Tests.Waveforms;

public sealed partial class EcgWaveformReaderTests
{
    public static TheoryData<string, int, double, int> RealEcgs => new()
    {
        // file, channels, Hz, samples of the longest multiplex group (from the corpus manifest)
        { "pydicom/test_files/waveform_ecg.dcm", 12, 1000, 10000 },
        { "ecg/ECGToolkit/Example.dcm", 12, 500, 5000 },
        { "ecg/ecg-dicom-web-viewer/test_ecg.dcm", 12, 240, 2400 },
        { "dicomParser/deflate/wave_dfl", 12, 240, 2400 },
    };

    [Theory]
    [MemberData(nameof(RealEcgs))]
    public void Real_ECGs_read_with_standard_leads_rate_and_plausible_QRS_amplitudes(string file, int channels, double rate, int samples)
    {
        string path = TestData.PathOf(file);
        var dicom = DicomFile.Open(path);
        Assert.True(EcgWaveformReader.IsEcg(dicom.Dataset));
        EcgRecording ecg = EcgWaveformReader.Read(dicom);

        Assert.Equal(channels, ecg.Leads.Count);
        Assert.Equal(rate, ecg.SamplingRate);
        Assert.Equal(samples, ecg.Length);
        Assert.Equal(LeadNames.Standard12.Order(), ecg.Leads.Select(l => l.Id).Order());

        // The gain is the reciprocal of what dcmdump shows as the first channel's sensitivity × correction.
        (double sensitivity, double correction, string units) = FirstChannelCalibration(path);
        Assert.Equal(units, ecg.Leads[0].Units);
        Assert.Equal(1 / (sensitivity * correction), ecg.Leads[0].Gain, 9);

        // The largest deflection of lead II is a QRS: 0.2-4 mV whatever the device's units and sensitivity.
        float[] leadII = ecg.GetLead(LeadId.II).ToMillivolts();
        float median = leadII.Order().ElementAt(leadII.Length / 2);
        double peak = leadII.Max(v => Math.Abs(v - median));
        Assert.InRange(peak, 0.2, 4);
    }

    [Fact]
    public void A_cart_heart_rate_annotation_reads_as_a_LOINC_number_with_its_unit()
    {
        var dicom = DicomFile.Open(TestData.PathOf("ecg/ecg-dicom-web-viewer/test_ecg.dcm"));
        EcgWaveformAnnotation rate = Assert.Single(EcgWaveformReader.ReadAnnotations(dicom.Dataset));
        Assert.Equal(EcgAnnotationCodes.HeartRate, rate.Concept);
        Assert.Equal(69, rate.NumericValue); // dcmdump: (0040,a30a) DS [  69]
        Assert.Equal("{H.B.}/min", rate.Unit!.Value);
        Assert.Empty(rate.SampleIndices);
    }

    [Fact]
    public void The_shorter_multiplex_group_is_readable_on_request()
    {
        var dicom = DicomFile.Open(TestData.PathOf("pydicom/test_files/waveform_ecg.dcm"));
        EcgRecording median = EcgWaveformReader.Read(dicom, multiplexGroup: 1);
        Assert.Equal(1200, median.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => EcgWaveformReader.Read(dicom, multiplexGroup: 2));
    }

    [Fact]
    public void A_non_waveform_object_is_refused_with_the_tag()
    {
        var ct = DicomFile.Open(TestData.PathOf("pydicom/test_files/CT_small.dcm"));
        Assert.False(EcgWaveformReader.IsEcg(ct.Dataset));
        var ex = Assert.Throws<DicomException>(() => EcgWaveformReader.Read(ct));
        Assert.Equal(new Telemed.Dicom.Tags.DicomTag(0x5400, 0x0100), ex.Tag);
    }

    private static (double Sensitivity, double Correction, string Units) FirstChannelCalibration(string path)
    {
        var start = new ProcessStartInfo("dcmdump", ["+P", "003a,0210", "+P", "003a,0212", "+P", "003a,0211/0008,0100", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        var values = DumpValue().Matches(output).Select(m => (Tag: m.Groups[1].Value, Value: m.Groups[2].Value)).ToList();
        double Number(string tag) => double.Parse(values.First(v => v.Tag == tag).Value, CultureInfo.InvariantCulture);
        return (Number("003a,0210"), Number("003a,0212"), values.First(v => v.Tag == "0008,0100").Value);
    }

    [GeneratedRegex(@"^\s*\((\w{4},\w{4})\) \w\w \[([^\]]*)\]", RegexOptions.Multiline)]
    private static partial Regex DumpValue();
}
