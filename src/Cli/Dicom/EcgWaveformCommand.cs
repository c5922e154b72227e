using Telemed.Cli.Ecg;
using Telemed.Dicom;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Rhythm;

namespace Telemed.Cli.Dicom;

/// <summary>
/// <c>telemed dicom ecg &lt;file&gt; [--json]</c>: the ECG of a DICOM waveform object through the same analysis and
/// report as <c>telemed ecg analyze</c>, with the patient's sex and age from the Patient module when present.
/// </summary>
internal static class EcgWaveformCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count != 1)
        {
            stderr.WriteLine("usage: telemed dicom ecg <file> [--json]");
            return 2;
        }

        string path = options.Positional[0];
        EcgAnalysis analysis;
        try
        {
            DicomFile file = DicomFile.Open(path);
            var recording = EcgWaveformReader.Read(file, Path.GetFileNameWithoutExtension(path));
            analysis = EcgAnalyzer.Analyze(recording, Patient(file.Dataset));
        }
        catch (Exception e) when (e is DicomException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            stderr.WriteLine($"telemed: {path}: {e.Message}");
            return 1;
        }

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

    /// <summary>Sex (0010,0040) and age at acquisition from (0010,0030) and (0008,0023) or (0008,0020); null when neither is known.</summary>
    private static PatientContext? Patient(DicomDataset ds)
    {
        Sex? sex = ds.GetStringOrNull(DicomDictionary.GetTag("PatientSex")) switch
        {
            "M" => Sex.Male,
            "F" => Sex.Female,
            _ => null,
        };
        int? age = null;
        DateOnly? birth = TryDate(ds, "PatientBirthDate");
        DateOnly? at = TryDate(ds, "ContentDate") ?? TryDate(ds, "StudyDate");
        if (birth is DateOnly b && at is DateOnly d && d >= b)
        {
            age = d.Year - b.Year - (d.DayOfYear < b.DayOfYear ? 1 : 0);
        }

        return sex is null && age is null ? null : new PatientContext(sex, age);
    }

    private static DateOnly? TryDate(DicomDataset ds, string keyword)
    {
        var tag = DicomDictionary.GetTag(keyword);
        try
        {
            return ds.TryGetElement(tag, out DicomElement? e) && e.Length > 0 ? e.GetDate() : null;
        }
        catch (DicomException)
        {
            return null; // a malformed date only loses the age, not the ECG
        }
    }
}
