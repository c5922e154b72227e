using System.Text;
using System.Text.RegularExpressions;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Formats;
using Telemed.Ecg.PhilipsXml;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Tests.Formats;
using Xunit;

namespace Telemed.Ecg.Tests.PhilipsXml;

/// <summary>The four real Philips XML files (UTF-8 Sierra 1.03, UTF-16 PhilipsECG 1.04/1.04.01) and mutated waveform data.</summary>
public class PhilipsXmlReaderTests
{
    private const string Demo = "philips-xml/sixlettervariables__sierra-ecg-tools__3191723_ZZDEMOPTONLY_1-04_orig.xml";

    public static TheoryData<string> Files => new()
    {
        "philips-xml/sixlettervariables__sierra-ecg-tools__129DYPRG.XML",
        Demo,
        "philips-xml/sixlettervariables__sierra-ecg-tools__ad4d3d80-d165_1-04_orig.xml",
        "philips-xml/sixlettervariables__sierra-ecg-tools__2020-5-18_15-48-11.xml",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Real_files_read_twelve_leads_at_500_hz_with_a_resting_rate(string file)
    {
        var document = PhilipsXmlReader.Read(TestData.FormatsFile(file));
        var recording = document.Recording;

        Assert.Equal(EcgFileFormat.PhilipsXml, document.Format);
        Assert.Equal(500, recording.SamplingRate);
        Assert.Equal(LeadNames.Standard12, recording.Leads.Select(l => l.Id));

        // durationperchannel="11000": 10 s and more of ECG, then the calibration pulse the reader cuts off.
        Assert.Contains(document.Warnings, w => w.StartsWith("calibration pulse from 10.", StringComparison.Ordinal));
        Assert.Single(document.Warnings);
        Assert.InRange(recording.Duration.TotalSeconds, 10.0, 10.99);
        Assert.Equal(200, recording.Leads[0].AduPerMillivolt, 9); // 5 µV per unit

        var analysis = EcgAnalyzer.Analyze(recording);
        double bpm = 60.0 * (analysis.Beats.Count - 1) / ((analysis.Beats[^1].Sample - analysis.Beats[0].Sample) / 500.0);
        Assert.InRange(bpm, 40, 150);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Decoded_limb_leads_obey_einthoven_and_goldberger(string file)
    {
        // A wrong LZW, delta or derivation step breaks these identities by far more than the ±1-unit floor rounding
        // (and so would the calibration pulse, where all leads read 1 mV, had it been left in).
        var r = PhilipsXmlReader.Read(TestData.FormatsFile(file)).Recording;
        var i = r.GetLead(LeadId.I).Samples.Span;
        var ii = r.GetLead(LeadId.II).Samples.Span;
        var iii = r.GetLead(LeadId.III).Samples.Span;
        var avr = r.GetLead(LeadId.aVR).Samples.Span;
        var avl = r.GetLead(LeadId.aVL).Samples.Span;
        var avf = r.GetLead(LeadId.aVF).Samples.Span;
        int worstEinthoven = 0, worstGoldberger = 0;
        for (int t = 0; t < r.Length; t++)
        {
            worstEinthoven = Math.Max(worstEinthoven, Math.Abs(i[t] + iii[t] - ii[t]));
            worstGoldberger = Math.Max(worstGoldberger, Math.Abs(avr[t] + avl[t] + avf[t]));
        }

        // In µV (5 µV per unit): a few units of the carts' own rounding, against QRS amplitudes of hundreds of units.
        Assert.True(worstEinthoven * 5 <= 50, $"I + III − II up to {worstEinthoven * 5} µV");
        Assert.True(worstGoldberger * 5 <= 50, $"aVR + aVL + aVF up to {worstGoldberger * 5} µV");
    }

    [Fact]
    public void Utf16_demo_file_gives_patient_and_acquisition()
    {
        var metadata = PhilipsXmlReader.Read(TestData.FormatsFile(Demo)).Metadata;

        Assert.Equal("9999", metadata.PatientId);
        Assert.Equal("ZZDEMOPTONLY", metadata.FamilyName);
        Assert.Equal("ADULT", metadata.GivenName);
        Assert.Equal(Sex.Male, metadata.Sex);
        Assert.Equal(new DateOnly(1950, 1, 1), metadata.BirthDate);
        Assert.Equal(new DateTime(2010, 1, 19, 15, 19, 22), metadata.AcquisitionTime);
        Assert.Equal("PageWriter Touch", metadata.Device);
    }

    [Fact]
    public void A_hostile_duration_is_refused_before_allocation()
    {
        string xml = File.ReadAllText(TestData.FormatsFile("philips-xml/sixlettervariables__sierra-ecg-tools__129DYPRG.XML"));
        string hostile = xml.Replace("durationperchannel=\"11000\"", "durationperchannel=\"86400000\"", StringComparison.Ordinal);

        var error = Assert.Throws<EcgFormatException>(() => PhilipsXmlReader.Read(Encoding.UTF8.GetBytes(hostile)));

        Assert.Contains("cannot expand to 12 leads of 43200000 samples", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutated_waveform_data_reads_or_fails_with_a_format_exception()
    {
        string xml = File.ReadAllText(TestData.FormatsFile("philips-xml/sixlettervariables__sierra-ecg-tools__129DYPRG.XML"));
        var match = Regex.Match(xml, "(<parsedwaveforms[^>]*>)([^<]*)(<)");
        byte[] payload = Convert.FromBase64String(match.Groups[2].Value);
        int read = 0, refused = 0;
        foreach (byte[] mutated in Mutations.Of(payload, 300, seed: 11))
        {
            string document = xml[..match.Groups[2].Index] + Convert.ToBase64String(mutated) + xml[(match.Groups[2].Index + match.Groups[2].Length)..];
            try
            {
                Assert.Equal(12, PhilipsXmlReader.Read(Encoding.UTF8.GetBytes(document)).Recording.Leads.Count);
                read++;
            }
            catch (EcgFormatException e)
            {
                Assert.StartsWith("Philips XML: ", e.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.True(read > 0 && refused > 0, $"{read} read, {refused} refused");
    }
}
