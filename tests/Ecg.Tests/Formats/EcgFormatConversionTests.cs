using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Aecg;
using Telemed.Ecg.Formats;
using Telemed.Ecg.PhilipsXml;
using Telemed.Ecg.ScpEcg;
using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.Ecg.Tests.Formats;

/// <summary>
/// A real cart recording carried through our writers (SCP-ECG, HL7 aECG, DICOM 12-lead) and read back by the readers:
/// the same millivolts each time, within the target format's quantisation.
/// </summary>
public class EcgFormatConversionTests
{
    private static EcgDocument Philips() =>
        PhilipsXmlReader.Read(TestData.FormatsFile("philips-xml/sixlettervariables__sierra-ecg-tools__ad4d3d80-d165_1-04_orig.xml"));

    [Fact]
    public void Philips_recording_survives_scp_ecg_at_its_own_resolution()
    {
        var source = Philips();
        byte[] scp = ScpEcgWriter.Write(source.Recording, source.Metadata, new ScpEcgWriterOptions { NanovoltsPerUnit = 5000, SubtractReferenceBeat = true });

        var copy = ScpEcgReader.Read(scp);

        Assert.Equal(EcgFileFormat.ScpEcg, EcgFileReader.Detect(scp));
        AssertSameMillivolts(source.Recording, copy.Recording, toleranceMicrovolts: 1e-6);
        Assert.Equal("PageWriter Touch", source.Metadata.Device);
        Assert.Equal(source.Metadata with { Device = "PageWr" }, copy.Metadata); // section 1 tag 14 holds a 6-byte model
    }

    [Fact]
    public void Philips_recording_survives_hl7_aecg()
    {
        var source = Philips();

        var copy = AecgReader.Read(AecgWriter.Write(source.Recording, source.Metadata));

        AssertSameMillivolts(source.Recording, copy.Recording, toleranceMicrovolts: 1e-6);
    }

    [Fact]
    public void Philips_recording_survives_a_dicom_12_lead_object_the_host_reads()
    {
        var source = Philips();
        var study = new EcgStudyInfo
        {
            PatientName = "Test^Patient",
            PatientId = source.Metadata.PatientId ?? "X",
            AcquisitionDateTime = source.Metadata.AcquisitionTime ?? new DateTime(2026, 1, 1),
            StudyInstanceUid = "2.25.1001",
            SeriesInstanceUid = "2.25.1002",
            SopInstanceUid = "2.25.1003",
        };
        using var temp = new TempDirectory();
        string path = temp.File("converted.dcm");
        EcgWaveformWriter.Create(source.Recording, study).Save(path);

        Assert.Equal(EcgFileFormat.Dicom, EcgFileReader.Detect(path));
        var copy = EcgWaveformReader.Read(DicomFile.Open(path));
        double step = 1000 / copy.Leads[0].AduPerMillivolt;
        AssertSameMillivolts(source.Recording, copy, toleranceMicrovolts: (step / 2) + 1e-6);
    }

    private static void AssertSameMillivolts(EcgRecording expected, EcgRecording actual, double toleranceMicrovolts)
    {
        Assert.Equal(expected.SamplingRate, actual.SamplingRate);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.Leads.Select(l => l.Id), actual.Leads.Select(l => l.Id));
        for (int l = 0; l < expected.Leads.Count; l++)
        {
            for (int t = 0; t < expected.Length; t++)
            {
                double difference = Math.Abs(expected.Leads[l][t] - actual.Leads[l][t]) * 1000;
                if (difference > toleranceMicrovolts)
                {
                    Assert.Fail($"lead {expected.Leads[l].Label}, sample {t}: {difference} µV apart");
                }
            }
        }
    }
}
