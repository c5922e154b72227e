using System.Diagnostics;
using System.Globalization;
using Telemed.Dicom;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Detection;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Evaluation;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Signals;
using Telemed.Ecg.Wfdb;

namespace Telemed.Cli.Ecg;

/// <summary><c>telemed ecg …</c>: analysis, detection and evaluation of ECG recordings.</summary>
internal static class EcgCommands
{
    /// <summary>Paced records of the MIT-BIH Arrhythmia Database, reported apart as EC57 asks.</summary>
    private static readonly HashSet<string> PacedRecords = ["102", "104", "107", "217"];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0)
        {
            stderr.WriteLine(CommandLine.Usage);
            return 2;
        }

        try
        {
            return args[0] switch
            {
                "analyze" => Analyze(args[1..], stdout, stderr),
                "detect" => Detect(args[1..], stdout, stderr),
                "eval" => Evaluate(args[1..], stdout, stderr),
                "eval-rhythm" => EvaluateRhythm(args[1..], stdout, stderr),
                _ => Unknown(args[0], stderr),
            };
        }
        catch (Exception e) when (IsBadInput(e))
        {
            // Parallel evaluation wraps the failing record's error; report that error, not the wrapper.
            var inner = e is AggregateException a ? a.Flatten().InnerExceptions.First() : e;
            stderr.WriteLine($"telemed: {inner.Message}");
            return 1;
        }
    }

    private static bool IsBadInput(Exception e) => e switch
    {
        AggregateException a => a.Flatten().InnerExceptions.All(IsBadInput),
        FormatException or DicomException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException => true,
        _ => false,
    };

    private static int Unknown(string command, TextWriter stderr)
    {
        stderr.WriteLine($"telemed ecg: unknown command '{command}'.");
        stderr.WriteLine(CommandLine.Usage);
        return 2;
    }

    private static int Analyze(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count != 1)
        {
            stderr.WriteLine("usage: telemed ecg analyze <record or file> [--json] [--start <s>] [--duration <s>] [--sex M|F] [--age <years>]");
            return 2;
        }

        var (recording, filePatient) = Load(options.Positional[0], stderr);
        if (options.Get("--start") is not null || options.Get("--duration") is not null)
        {
            double start = Seconds(options.Get("--start") ?? "0", "--start");
            double duration = options.Get("--duration") is string d ? Seconds(d, "--duration") : (recording.Length / recording.SamplingRate) - start;
            int from = (int)Math.Round(start * recording.SamplingRate);
            int length = (int)Math.Round(duration * recording.SamplingRate);
            if (from < 0 || length <= 0 || from + length > recording.Length)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"telemed ecg analyze: window {start} s + {duration} s lies outside the {recording.Length / recording.SamplingRate:0.#} s recording."));
                return 2;
            }

            recording = recording.Slice(from, length);
        }

        Sex? sex = options.Get("--sex")?.ToUpperInvariant() switch
        {
            null => null,
            "M" or "MALE" => Sex.Male,
            "F" or "FEMALE" => Sex.Female,
            var other => throw new ArgumentException($"--sex must be M or F, not '{other}'."),
        };
        int? age = options.Get("--age") is string a ? (int)Seconds(a, "--age") : null;

        // What the command line says wins over what the file says.
        sex ??= filePatient?.Sex;
        age ??= filePatient?.AgeYears;
        var analysis = EcgAnalyzer.Analyze(recording, sex is null && age is null ? null : new PatientContext(sex, age), Mains(options));
        if (options.Has("--json"))
        {
            AnalysisReport.WriteJson(analysis, stdout);
        }
        else
        {
            AnalysisReport.WriteText(analysis, stdout);
        }

        return 0;
    }

    /// <summary>
    /// A WFDB record (path with or without .hea), an SCP-ECG, HL7 aECG or Philips XML file, or a DICOM ECG waveform
    /// object: the format is recognised from the file's first bytes. Readers' warnings go to stderr.
    /// </summary>
    private static (EcgRecording Recording, PatientContext? Patient) Load(string path, TextWriter stderr)
    {
        if (!File.Exists(path))
        {
            // A WFDB record name (or a missing file, which the WFDB reader reports by its header's name).
            return (WfdbRecordReader.Read(StripHeaderExtension(path)), null);
        }

        if (EcgFileReader.Detect(path) == EcgFileFormat.Dicom)
        {
            var file = DicomFile.Open(path);
            return (EcgWaveformReader.Read(file, Path.GetFileNameWithoutExtension(path)), EcgPatientContext.FromDataset(file.Dataset));
        }

        var document = EcgFileReader.Read(path);
        foreach (string warning in document.Warnings)
        {
            stderr.WriteLine($"telemed: {path}: warning: {warning}");
        }

        return (document.Recording, document.Metadata.ToPatientContext());
    }

    /// <summary>--mains 50|60: the grid frequency where the ECG was recorded (50 Hz, China, by default).</summary>
    private static double Mains(Options options) => options.Get("--mains") switch
    {
        null => RhythmFlagger.DefaultMainsHz,
        "50" => 50,
        "60" => 60,
        var other => throw new ArgumentException($"--mains must be 50 or 60 (Hz), not '{other}'."),
    };

    private static double Seconds(string text, string option) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v)
            ? v
            : throw new ArgumentException($"{option} needs a non-negative number, not '{text}'.");

    private static int Detect(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count != 1 || options.Get("--out") is not string annotator)
        {
            stderr.WriteLine("usage: telemed ecg detect <record> --out <annotator> [--dir <folder>]");
            return 2;
        }

        // WFDB names an annotation file <record>.<annotator>; the annotator is a plain word (e.g. "qrs").
        if (annotator.Length == 0 || !annotator.All(char.IsAsciiLetterOrDigit))
        {
            stderr.WriteLine($"telemed ecg detect: --out takes an annotator name of letters and digits (e.g. qrs), not '{annotator}'; use --dir to choose the folder.");
            return 2;
        }

        string record = StripHeaderExtension(options.Positional[0]);
        string target = options.Get("--dir") is string dir ? Path.Combine(dir, Path.GetFileName(record)) : record;

        // Never clobber reference annotations (scoring the detector against itself would read 100 %).
        if (annotator.Equals("atr", StringComparison.OrdinalIgnoreCase))
        {
            stderr.WriteLine("telemed ecg detect: 'atr' is the reference annotator; choose another name (e.g. qrs).");
            return 2;
        }

        bool force = options.Has("--force");
        if (File.Exists($"{target}.{annotator}") && !force)
        {
            stderr.WriteLine($"telemed ecg detect: {target}.{annotator} exists; add --force to replace it.");
            return 2;
        }

        var recording = WfdbRecordReader.Read(record);
        var beats = QrsDetector.Detect(recording);
        var annotations = beats.Select(b => new Annotation(b.Sample, AnnotationCode.Normal));
        string path = WfdbAnnotationWriter.Write(target, annotator, annotations, overwrite: force);
        stdout.WriteLine($"{beats.Count} beats written to {path}");
        return 0;
    }

    private static int Evaluate(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Get("--db") is not string db)
        {
            stderr.WriteLine("usage: telemed ecg eval --db <directory> [--records 100,101,...]");
            return 2;
        }

        if (!Directory.Exists(db))
        {
            throw new DirectoryNotFoundException($"database folder not found: {db}");
        }

        var names = RecordNames(db, options);
        if (names.Count == 0)
        {
            stderr.WriteLine($"telemed ecg eval: no records with .atr reference annotations in {db}");
            return 1;
        }

        stdout.WriteLine("EC57 beat-by-beat QRS detection (match window 150 ms, scored from minute 5, beat codes only)");
        stdout.WriteLine("record      TP     FN     FP      Se%     +P%  offset ms  sd ms");
        var results = new List<BeatMatchResult>(names.Count);
        long samples = 0;
        var detectTime = TimeSpan.Zero;
        foreach (string name in names)
        {
            string path = Path.Combine(db, name);
            var recording = WfdbRecordReader.Read(path);
            var reference = WfdbAnnotationReader.Read(path + ".atr");
            var watch = Stopwatch.StartNew();
            var beats = QrsDetector.Detect(recording);
            detectTime += watch.Elapsed;
            samples += (long)recording.Length * recording.Leads.Count;
            var missed = new List<long>();
            var extra = new List<long>();
            var result = BeatMatcher.Compare(name, reference, beats.Select(b => b.Sample).ToList(), recording.SamplingRate, missed: missed, extra: extra);
            results.Add(result);
            stdout.WriteLine(Row(result));
            if (options.Has("--errors"))
            {
                stdout.WriteLine($"  missed: {string.Join(' ', missed.Take(40))}");
                stdout.WriteLine($"  extra:  {string.Join(' ', extra.Take(40))}");
            }
        }

        var gross = BeatMatchResult.Gross("gross", results);
        var unpaced = BeatMatchResult.Gross("no paced", results.Where(r => !PacedRecords.Contains(r.Record)));
        stdout.WriteLine(Row(gross, withOffset: false));
        stdout.WriteLine(Row(unpaced, withOffset: false) + "   (without 102, 104, 107, 217)");
        double rate = samples / Math.Max(detectTime.TotalSeconds, 1e-9);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput: {samples} samples ({names.Count} records × leads) filtered and detected in {detectTime.TotalSeconds:F2} s on one thread = {rate / 1e6:F1} M samples/s"));
        return 0;
    }

    private static int EvaluateRhythm(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Get("--db") is not string db)
        {
            stderr.WriteLine("usage: telemed ecg eval-rhythm --db <directory> [--window <s>] [--records 100,101,...] [--errors]");
            return 2;
        }

        if (!Directory.Exists(db))
        {
            throw new DirectoryNotFoundException($"database folder not found: {db}");
        }

        double windowSeconds = options.Get("--window") is string w ? Seconds(w, "--window") : RhythmFlagEvaluator.DefaultWindowSeconds;
        if (windowSeconds < 2)
        {
            stderr.WriteLine("telemed ecg eval-rhythm: --window must be at least 2 s.");
            return 2;
        }

        var names = RecordNames(db, options);
        if (names.Count == 0)
        {
            stderr.WriteLine($"telemed ecg eval-rhythm: no records with .atr reference annotations in {db}");
            return 1;
        }

        var watch = Stopwatch.StartNew();
        var windows = RhythmFlagEvaluator.EvaluateDatabase(db, names, windowSeconds, mainsHz: Mains(options));
        watch.Stop();
        RhythmEvaluationReport.Write(windows, windowSeconds, names.Count, watch.Elapsed, options.Has("--errors"), stdout);
        return 0;
    }

    private static List<string> RecordNames(string db, Options options) =>
        options.Get("--records") is string list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : Directory.EnumerateFiles(db, "*.atr").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList();

    private static string Row(BeatMatchResult r, bool withOffset = true)
    {
        string counts = string.Create(
            CultureInfo.InvariantCulture,
            $"{r.Record,-8} {r.TruePositives,7} {r.FalseNegatives,6} {r.FalsePositives,6} {r.Sensitivity * 100,8:F2} {r.PositivePredictivity * 100,7:F2}");
        return withOffset
            ? counts + string.Create(CultureInfo.InvariantCulture, $" {r.MeanOffset * 1000,8:F1} {r.OffsetSpread * 1000,6:F1}")
            : counts;
    }

    private static string StripHeaderExtension(string path) =>
        path.EndsWith(".hea", StringComparison.OrdinalIgnoreCase) ? path[..^4] : path;
}
