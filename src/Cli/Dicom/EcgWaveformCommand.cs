using Telemed.Cli.Ecg;
using Telemed.Dicom;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;

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
            analysis = EcgAnalyzer.Analyze(recording, EcgPatientContext.FromDataset(file.Dataset));
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
}
