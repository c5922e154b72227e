using Telemed.Ecg.Detection;
using Telemed.Ecg.Measurements;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Analysis;

/// <summary>
/// The pipeline an incoming ECG goes through: detect beats on all leads, measure the median beats, then flag
/// rhythm, ischaemia and technical problems. Each step is its own type; this only chains them.
/// </summary>
public static class EcgAnalyzer
{
    /// <param name="mainsHz">Grid frequency at the recording site (50 Hz in China), for telling mains hum from noise.</param>
    public static EcgAnalysis Analyze(EcgRecording recording, PatientContext? patient = null, double mainsHz = RhythmFlagger.DefaultMainsHz)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var beats = QrsDetector.Detect(recording);
        var measurements = RestingEcgMeasurer.Measure(recording, beats);
        var flags = RhythmFlagger.Evaluate(recording, beats, measurements, patient, mainsHz);
        return new EcgAnalysis(recording, beats, measurements, flags);
    }
}
