using System.Globalization;
using System.Text.Json;
using Telemed.Cli;
using Telemed.Ecg.Detection;
using Telemed.Ecg.Evaluation;
using Telemed.Ecg.Wfdb;
using Xunit;

namespace Telemed.Ecg.Tests.Cli;

public class EcgCommandsTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Eval_prints_per_record_and_gross_scores_that_add_up()
    {
        var (code, output, _) = Run("ecg", "eval", "--db", TestData.MitdbDirectory, "--records", "100,119,207");
        Assert.Equal(0, code);

        var rows = output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        int[] Counts(string name) => rows.Single(r => r.Length > 3 && r[0] == name).Skip(1).Take(3).Select(int.Parse).ToArray();
        var r100 = Counts("100");
        var r119 = Counts("119");
        var r207 = Counts("207");
        var gross = Counts("gross");
        Assert.Equal(r100[0] + r119[0] + r207[0], gross[0]);
        Assert.Equal(r100[1] + r119[1] + r207[1], gross[1]);
        Assert.Equal(r100[2] + r119[2] + r207[2], gross[2]);

        // Record 100 has 2273 beats; from minute 5 on, about 1900 are scored.
        Assert.InRange(r100[0] + r100[1], 1850, 1950);
        Assert.Contains("throughput:", output, StringComparison.Ordinal);
        Assert.Contains("M samples/s", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_writes_a_WFDB_annotation_file_that_scores_against_the_reference()
    {
        using var temp = new TempDirectory();
        foreach (string ext in new[] { ".hea", ".dat", ".atr" })
        {
            File.Copy(Path.Combine(TestData.MitdbDirectory, "119" + ext), temp.File("119" + ext));
        }

        var (code, output, _) = Run("ecg", "detect", temp.File("119"), "--out", "qrs");
        Assert.Equal(0, code);
        Assert.Contains(temp.File("119.qrs"), output, StringComparison.Ordinal);

        var written = WfdbAnnotationReader.Read(temp.File("119.qrs"));
        Assert.All(written, a => Assert.Equal(AnnotationCode.Normal, a.Code));
        var reference = WfdbAnnotationReader.Read(temp.File("119.atr"));
        var score = BeatMatcher.Compare("119", reference, written.Select(a => a.Sample).ToList(), 360);
        Assert.True(score.Sensitivity > 0.995 && score.PositivePredictivity > 0.995, $"Se {score.Sensitivity:P2} +P {score.PositivePredictivity:P2}");
    }

    [Fact]
    public void Detect_can_write_beside_a_read_only_database()
    {
        using var temp = new TempDirectory();
        var (code, _, _) = Run("ecg", "detect", Path.Combine(TestData.MitdbDirectory, "100"), "--out", "qrs", "--dir", temp.Path);
        Assert.Equal(0, code);
        Assert.True(WfdbAnnotationReader.Read(temp.File("100.qrs")).Count > 2000);
    }

    [Fact]
    public void Analyze_json_reports_the_rate_the_reference_annotations_give()
    {
        string record = Path.Combine(TestData.MitdbDirectory, "100");
        var (code, output, _) = Run("ecg", "analyze", record, "--start", "60", "--duration", "10", "--json");
        Assert.Equal(0, code);

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(360, root.GetProperty("samplingRate").GetDouble());
        Assert.Equal(10, root.GetProperty("durationSeconds").GetDouble(), 3);

        var beats = WfdbAnnotationReader.Read(record + ".atr").Where(a => a.IsBeat && a.Sample >= 60 * 360 && a.Sample < 70 * 360).ToList();
        double referenceRate = 60.0 * 360 * (beats.Count - 1) / (beats[^1].Sample - beats[0].Sample);
        double rate = root.GetProperty("measurements").GetProperty("heartRateBpm").GetDouble();
        Assert.InRange(rate, referenceRate - 2, referenceRate + 2);

        // Every complete complex is found (a QRS cut off by the window's edge may or may not be).
        var detected = root.GetProperty("beats").GetProperty("samples").EnumerateArray().Select(e => e.GetInt64() + (60 * 360)).ToList();
        var complete = beats.Where(b => b.Sample > (60 * 360) + 36 && b.Sample < (70 * 360) - 36).ToList();
        var score = BeatMatcher.Compare("100", complete, detected.Where(d => d > (60 * 360) + 36 && d < (70 * 360) - 36).ToList(), 360, learningPeriodSeconds: 0);
        Assert.Equal((complete.Count, 0, 0), (score.TruePositives, score.FalseNegatives, score.FalsePositives));
    }

    [Fact]
    public void Analyze_text_names_the_record_and_its_measurements()
    {
        var (code, output, _) = Run("ecg", "analyze", Path.Combine(TestData.MitdbDirectory, "100"), "--duration", "10");
        Assert.Equal(0, code);
        Assert.Contains("Record 100: 2 leads (MLII, V5), 360 Hz", output, StringComparison.Ordinal);
        Assert.Contains("Heart rate", output, StringComparison.Ordinal);
        Assert.Contains("Flags", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_gives_a_clear_error_and_a_nonzero_exit()
    {
        using var temp = new TempDirectory();
        var missing = Run("ecg", "analyze", temp.File("nothing"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("nothing.hea", missing.Err, StringComparison.Ordinal);

        File.WriteAllText(temp.File("bad.hea"), "bad 1 360 1000\nbad.dat 212 200 11 1024 0 0 0 II\n");
        File.WriteAllBytes(temp.File("bad.dat"), new byte[30]);
        var truncated = Run("ecg", "analyze", temp.File("bad"));
        Assert.Equal(1, truncated.Code);
        Assert.Contains("bad.dat", truncated.Err, StringComparison.Ordinal);
        Assert.Contains("byte offset", truncated.Err, StringComparison.Ordinal);

        var badAnnotator = Run("ecg", "detect", Path.Combine(TestData.MitdbDirectory, "100"), "--out", "/tmp/x");
        Assert.Equal(2, badAnnotator.Code);
        Assert.Contains("annotator name", badAnnotator.Err, StringComparison.Ordinal);

        using (var copy = new TempDirectory())
        {
            foreach (string ext in new[] { ".hea", ".dat", ".atr" })
            {
                File.Copy(Path.Combine(TestData.MitdbDirectory, "100" + ext), copy.File("100" + ext));
            }

            byte[] reference = File.ReadAllBytes(copy.File("100.atr"));
            Assert.Equal(2, Run("ecg", "detect", copy.File("100"), "--out", "atr").Code);
            Assert.Equal(reference, File.ReadAllBytes(copy.File("100.atr")));
            Assert.Equal(0, Run("ecg", "detect", copy.File("100"), "--out", "qrs").Code);
            var again = Run("ecg", "detect", copy.File("100"), "--out", "qrs");
            Assert.Equal(2, again.Code);
            Assert.Contains("--force", again.Err, StringComparison.Ordinal);
            Assert.Equal(0, Run("ecg", "detect", copy.File("100"), "--out", "qrs", "--force").Code);
        }

        var badRecord = Run("ecg", "eval-rhythm", "--db", TestData.MitdbDirectory, "--records", "100,nope");
        Assert.Equal(1, badRecord.Code);
        Assert.Contains("nope", badRecord.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", badRecord.Err, StringComparison.Ordinal); // a message, not a stack trace

        Assert.Equal(2, Run("ecg", "frobnicate").Code);
        Assert.Equal(2, Run("ecg", "eval").Code);
        var window = Run("ecg", "analyze", Path.Combine(TestData.MitdbDirectory, "100"), "--start", "5000");
        Assert.Equal(2, window.Code);
        Assert.Contains("outside", window.Err, StringComparison.Ordinal);
    }
}
