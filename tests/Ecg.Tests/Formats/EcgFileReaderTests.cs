using System.Text;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Formats;
using Telemed.Ecg.ScpEcg;
using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.Ecg.Tests.Formats;

/// <summary>Format recognition over every real file, reading through the one entry point, and the DICOM cross-check.</summary>
public class EcgFileReaderTests
{
    public static TheoryData<string, EcgFileFormat> RealFiles => new()
    {
        { "scp-ecg/farhad-abtahi__SCP-Tools__ECG_20060620_112352_197001138994.SCP", EcgFileFormat.ScpEcg },
        { "scp-ecg/farhad-abtahi__SCP-Tools__ECG_20070321_110542_191010101010.SCP", EcgFileFormat.ScpEcg },
        { "scp-ecg/farhad-abtahi__SCP-Tools__ECG_20081029_105642_191010101010.SCP", EcgFileFormat.ScpEcg },
        { "scp-ecg/farhad-abtahi__SCP-Tools__ECG_20170504_163507_123456789.SCP", EcgFileFormat.ScpEcg },
        { "scp-ecg/Refactoring__ECGToolkit__Example.scp", EcgFileFormat.ScpEcg },
        { "scp-ecg/KaibinBao__healforcescpecg__62.SCP", EcgFileFormat.ScpEcg }, // non-compliant, read best effort
        { "hl7-aecg/FDA__aecg-python__Example_aECG.xml", EcgFileFormat.HL7Aecg },
        { "hl7-aecg/CardioVascular-Research-Group__hl7aECG__hl7aecg-Example2.xml", EcgFileFormat.HL7Aecg },
        { "philips-xml/sixlettervariables__sierra-ecg-tools__129DYPRG.XML", EcgFileFormat.PhilipsXml },
        { "philips-xml/sixlettervariables__sierra-ecg-tools__3191723_ZZDEMOPTONLY_1-04_orig.xml", EcgFileFormat.PhilipsXml },
        { "philips-xml/sixlettervariables__sierra-ecg-tools__ad4d3d80-d165_1-04_orig.xml", EcgFileFormat.PhilipsXml },
        { "philips-xml/sixlettervariables__sierra-ecg-tools__2020-5-18_15-48-11.xml", EcgFileFormat.PhilipsXml },
    };

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void Real_files_are_recognised_and_read_through_the_entry_point(string file, EcgFileFormat format)
    {
        string path = TestData.FormatsFile(file);

        Assert.Equal(format, EcgFileReader.Detect(path));
        using var stream = File.OpenRead(path);
        var document = EcgFileReader.Read(stream, "upload");
        Assert.Equal(format, document.Format);
        Assert.Equal("upload", document.Recording.Name);
        Assert.True(document.Recording.Duration.TotalSeconds >= 10);
        Assert.Equal(file.Contains("healforce", StringComparison.OrdinalIgnoreCase) || file.Contains("philips", StringComparison.Ordinal), document.Warnings.Count > 0);
    }

    [Fact]
    public void Dicom_and_wfdb_are_recognised_for_the_host()
    {
        string header = Path.Combine(TestData.MitdbDirectory, "100.hea");
        string dicom = TestData.DicomFile("ecg/ECGToolkit/Example.dcm");

        Assert.Equal(EcgFileFormat.Dicom, EcgFileReader.Detect(dicom));
        Assert.Equal(EcgFileFormat.Dicom, EcgFileReader.Detect(TestData.DicomFile("ecg/ecg-dicom-web-viewer/test_ecg.dcm")));
        Assert.Equal(EcgFileFormat.Wfdb, EcgFileReader.Detect(header));
        Assert.Equal(EcgFileFormat.Wfdb, EcgFileReader.Detect(header[..^4]));
        Assert.Equal(360, EcgFileReader.Read(header[..^4]).Recording.SamplingRate);

        using var stream = File.OpenRead(dicom);
        var error = Assert.Throws<EcgFormatException>(() => EcgFileReader.Read(stream));
        Assert.Contains("DICOM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf16_big_endian_and_unknown_content_are_told_apart()
    {
        string xml = File.ReadAllText(TestData.FormatsFile("philips-xml/sixlettervariables__sierra-ecg-tools__3191723_ZZDEMOPTONLY_1-04_orig.xml"));
        byte[] bigEndian = [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(xml.Replace("utf-16", "utf-16BE", StringComparison.Ordinal))];

        Assert.Equal(EcgFileFormat.PhilipsXml, EcgFileReader.Detect(bigEndian));
        using (var stream = new MemoryStream(bigEndian))
        {
            Assert.Equal(12, EcgFileReader.Read(stream).Recording.Leads.Count);
        }

        Assert.Equal(EcgFileFormat.Unknown, EcgFileReader.Detect("\x89PNG\r\n\x1a\n"u8));
        Assert.Equal(EcgFileFormat.Unknown, EcgFileReader.Detect("<?xml version=\"1.0\"?><html/>"u8));
        Assert.Equal(EcgFileFormat.Unknown, EcgFileReader.Detect([]));
        using var unknown = new MemoryStream(new byte[100]);
        Assert.Throws<EcgFormatException>(() => EcgFileReader.Read(unknown));
    }

    [Fact]
    public void Random_prefixes_never_throw_in_detection()
    {
        var rng = new Random(3);
        foreach (int length in Enumerable.Range(0, 300))
        {
            var bytes = new byte[length * 7 % 600];
            rng.NextBytes(bytes);
            _ = EcgFileReader.Detect(bytes);
        }
    }

    [Fact]
    public void Dicom_example_is_the_same_recording_as_the_scp_example()
    {
        // ECGToolkit converted one recording (the HL7 aECG example) to both formats.
        var dicom = EcgWaveformReader.Read(DicomFile.Open(TestData.DicomFile("ecg/ECGToolkit/Example.dcm")));
        var scp = ScpEcgReader.Read(TestData.FormatsFile("scp-ecg/Refactoring__ECGToolkit__Example.scp")).Recording;

        Assert.Equal(scp.SamplingRate, dicom.SamplingRate);
        Assert.Equal(scp.Length, dicom.Length);
        foreach (var id in LeadNames.Standard12)
        {
            var a = dicom.GetLead(id);
            var b = scp.GetLead(id);
            double step = Math.Max(1000 / a.AduPerMillivolt, 1000 / b.AduPerMillivolt); // µV per unit, the coarser
            double worst = 0;
            for (int t = 0; t < scp.Length; t++)
            {
                worst = Math.Max(worst, Math.Abs(a[t] - b[t]) * 1000);
            }

            Assert.True(worst <= step + 1e-6, $"lead {id}: {worst} µV apart (quantisation {step} µV)");
        }
    }
}
