using System.Globalization;
using System.Text.Json;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Wfdb;
using Xunit;

namespace Telemed.Ecg.Tests.Wfdb;

/// <summary>The reader against the 48 records of the MIT-BIH Arrhythmia Database (shared reference copy).</summary>
public class MitdbTests
{
    public static TheoryData<string> Records()
    {
        var data = new TheoryData<string>();
        foreach (string r in TestData.MitdbRecords)
        {
            data.Add(r);
        }

        return data;
    }

    [Fact]
    public void The_shared_copy_has_all_48_records()
    {
        var onDisk = Directory.GetFiles(TestData.MitdbDirectory, "*.hea").Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(TestData.MitdbRecords, onDisk);
        foreach (string r in TestData.MitdbRecords)
        {
            Assert.True(File.Exists(Path.Combine(TestData.MitdbDirectory, r + ".dat")), r + ".dat");
            Assert.True(File.Exists(Path.Combine(TestData.MitdbDirectory, r + ".atr")), r + ".atr");
        }
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Header_parses_as_its_text_says(string record)
    {
        string path = Path.Combine(TestData.MitdbDirectory, record + ".hea");
        string text = File.ReadAllText(path);
        var header = WfdbHeader.Read(path);

        Assert.Equal(record, header.RecordName);
        Assert.Equal(360.0, header.SamplingFrequency);
        Assert.Equal(650000, header.SampleCount);
        Assert.Equal(2, header.Signals.Count);

        // Independent naive parse: whitespace-split fields; MIT-BIH gains carry no baseline or units.
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var recordLine = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([record, "2", "360", "650000"], recordLine);
        var comments = lines.Where(l => l.StartsWith('#')).Select(l => l[1..].Trim()).ToArray();
        Assert.Equal(comments, header.Comments);

        for (int s = 0; s < 2; s++)
        {
            var f = lines[1 + s].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var spec = header.Signals[s];
            Assert.Equal(f[0], spec.FileName);
            Assert.Equal(record + ".dat", spec.FileName);
            Assert.Equal(int.Parse(f[1], CultureInfo.InvariantCulture), spec.Format);
            Assert.Equal(212, spec.Format);
            Assert.Equal(double.Parse(f[2], CultureInfo.InvariantCulture), spec.Gain);
            Assert.Equal(int.Parse(f[3], CultureInfo.InvariantCulture), spec.AdcResolution);
            Assert.Equal(int.Parse(f[4], CultureInfo.InvariantCulture), spec.AdcZero);
            Assert.Equal(spec.AdcZero, spec.Baseline); // no "(baseline)": WFDB uses the ADC zero
            Assert.Equal(int.Parse(f[5], CultureInfo.InvariantCulture), spec.InitialValue);
            Assert.Equal(int.Parse(f[6], CultureInfo.InvariantCulture), spec.Checksum);
            Assert.Equal(string.Join(' ', f[8..]), spec.Description);
            Assert.Equal("mV", spec.Units);
            Assert.Equal(1, spec.SamplesPerFrame);
            Assert.Equal(0, spec.Skew);
            Assert.Equal(0, spec.ByteOffset);
        }
    }

    [Theory]
    [InlineData("100")]
    [InlineData("201")]
    [InlineData("232")]
    public void Header_with_LF_line_ends_parses_like_the_CRLF_original(string record)
    {
        string path = Path.Combine(TestData.MitdbDirectory, record + ".hea");
        string crlf = File.ReadAllText(path);
        Assert.Contains("\r\n", crlf, StringComparison.Ordinal);
        string lf = crlf.Replace("\r\n", "\n", StringComparison.Ordinal);

        var a = WfdbHeader.Parse(crlf, path);
        var b = WfdbHeader.Parse(lf, path);
        Assert.Equal(a.RecordName, b.RecordName);
        Assert.Equal(a.SamplingFrequency, b.SamplingFrequency);
        Assert.Equal(a.SampleCount, b.SampleCount);
        Assert.Equal(a.Signals, b.Signals);
        Assert.Equal(a.Comments, b.Comments);
        Assert.DoesNotContain(b.Signals, s => s.Description.Contains('\r', StringComparison.Ordinal));
        Assert.DoesNotContain(a.Signals, s => s.Description.Contains('\r', StringComparison.Ordinal));

        // And the LF header reads the same samples from the shared .dat.
        var fromCrlf = WfdbRecordReader.Read(Path.Combine(TestData.MitdbDirectory, record));
        var fromLf = WfdbRecordReader.Read(b, TestData.MitdbDirectory);
        for (int s = 0; s < 2; s++)
        {
            Assert.True(fromCrlf.Leads[s].Samples.Span.SequenceEqual(fromLf.Leads[s].Samples.Span));
        }
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Record_reads_whole_and_matches_the_header_checksums(string record)
    {
        // verifyChecksums (the default) recomputes the 16-bit sum of every sample of each signal; a decoding error
        // anywhere in the 1.9 MB file would throw.
        var rec = WfdbRecordReader.Read(Path.Combine(TestData.MitdbDirectory, record));
        var header = WfdbHeader.Read(Path.Combine(TestData.MitdbDirectory, record + ".hea"));

        Assert.Equal(record, rec.Name);
        Assert.Equal(360.0, rec.SamplingRate);
        Assert.Equal(650000, rec.Length);
        Assert.Equal(2, rec.Leads.Count);
        for (int s = 0; s < 2; s++)
        {
            var lead = rec.Leads[s];
            var spec = header.Signals[s];
            Assert.Equal(spec.InitialValue, lead.Samples.Span[0]);
            Assert.Equal(spec.Gain, lead.Gain);
            Assert.Equal(spec.Baseline, lead.Baseline);
            Assert.Equal(spec.Description, lead.Label);
            Assert.Equal(LeadNames.Parse(spec.Description), lead.Id);

            // The checksum again, independently of the reader's own check.
            short sum = 0;
            foreach (int v in lead.Samples.Span)
            {
                Assert.InRange(v, -2048, 2047);
                sum = unchecked((short)(sum + v));
            }

            Assert.Equal(spec.Checksum, sum);
        }

    }

    [Fact]
    public void Spot_samples_match_an_independent_format_212_decoder()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Fixture("wfdb_spots.json")));
        var records = json.RootElement.GetProperty("records");
        int checkedRecords = 0;
        foreach (var entry in records.EnumerateObject())
        {
            var rec = WfdbRecordReader.Read(Path.Combine(TestData.MitdbDirectory, entry.Name));
            Assert.Equal(entry.Value.GetProperty("length").GetInt32(), rec.Length);
            var checksums = entry.Value.GetProperty("checksums").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(checksums, rec.Leads.Select(l => (int)l.Samples.ToArray().Aggregate((short)0, (acc, v) => unchecked((short)(acc + v)))).ToArray());
            foreach (var spot in entry.Value.GetProperty("spots").EnumerateArray())
            {
                int index = spot.GetProperty("index").GetInt32();
                var values = spot.GetProperty("values").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                Assert.True(values[0] == rec.Leads[0].Samples.Span[index], $"{entry.Name} signal 0 sample {index}: expected {values[0]}, read {rec.Leads[0].Samples.Span[index]}");
                Assert.True(values[1] == rec.Leads[1].Samples.Span[index], $"{entry.Name} signal 1 sample {index}: expected {values[1]}, read {rec.Leads[1].Samples.Span[index]}");
            }

            checkedRecords++;
        }

        Assert.Equal(5, checkedRecords);
    }

    [Fact]
    public void All_48_annotation_files_hold_112647_annotations()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Fixture("wfdb_spots.json")));
        var independent = json.RootElement.GetProperty("annotationCounts");
        long total = 0;
        foreach (string record in TestData.MitdbRecords)
        {
            var annotations = WfdbAnnotationReader.Read(Path.Combine(TestData.MitdbDirectory, record + ".atr"));
            Assert.Equal(independent.GetProperty(record).GetInt32(), annotations.Count);
            for (int i = 1; i < annotations.Count; i++)
            {
                Assert.True(annotations[i].Sample >= annotations[i - 1].Sample, $"{record}.atr: annotation {i} goes back in time");
            }

            Assert.All(annotations, a => Assert.InRange(a.Sample, 0, 649999));
            total += annotations.Count;
        }

        Assert.Equal(112647, total);
    }

    [Fact]
    public void Record_100_annotations_look_like_the_published_ones()
    {
        var atr = WfdbAnnotationReader.Read(Path.Combine(TestData.MitdbDirectory, "100.atr"));

        // Published record 100: rhythm "+ (N" at sample 18, then N at 77, 370, 662; 2273 beats (2239 N, 33 A, 1 V)
        // plus that one rhythm annotation.
        Assert.Equal(new Annotation(18, AnnotationCode.Rhythm, Aux: "(N"), atr[0]);
        Assert.Equal([77L, 370L, 662L], atr.Skip(1).Take(3).Select(a => a.Sample));
        Assert.All(atr.Skip(1).Take(3), a => Assert.Equal(AnnotationCode.Normal, a.Code));
        Assert.Equal(2274, atr.Count);
        Assert.Equal(2273, atr.Count(a => a.IsBeat));
        Assert.Equal(2239, atr.Count(a => a.Mnemonic == "N"));
        Assert.Equal(33, atr.Count(a => a.Mnemonic == "A"));
        Assert.Equal(1, atr.Count(a => a.Mnemonic == "V"));
    }
}
