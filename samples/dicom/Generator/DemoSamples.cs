using Telemed.Dicom.Data;
using Telemed.Dicom.Text;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Signals;

namespace Telemed.Samples.Dicom;

/// <summary>
/// The demo 12-lead ECGs in samples/dicom: made-up patients (张三 and 李四 are the Chinese placeholders for
/// "John Doe"), one in GB18030 and one in UTF-8, every UID derived from the sample's seed so that regenerating
/// gives the same bytes. Each file carries our own analysis as waveform annotations.
/// </summary>
internal static class DemoSamples
{
    public sealed record Sample(string FileName, string Seed, double HeartRateBpm, double StElevationMv, string CharacterSet, string PatientName, string PatientId, string Sex, DateOnly BirthDate);

    public static IReadOnlyList<Sample> All { get; } =
    [
        new("ecg-normal-sinus-gb18030.dcm", "telemed-demo-ecg-1", 72, 0, "GB18030", "Zhang^San=张^三", "SYNTH-0001", "M", new DateOnly(1961, 3, 8)),
        new("ecg-inferior-stemi-utf8.dcm", "telemed-demo-ecg-2", 88, 0.3, "ISO_IR 192", "Li^Si=李^四", "SYNTH-0002", "M", new DateOnly(1957, 11, 20)),
    ];

    public static IReadOnlyList<string> WriteAll(string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (Sample sample in All)
        {
            string path = Path.Combine(directory, sample.FileName);
            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
            {
                Write(sample, stream);
            }

            written.Add(path);
        }

        return written;
    }

    public static void Write(Sample sample, Stream output)
    {
        ArgumentNullException.ThrowIfNull(sample);
        int seed = sample.Seed.Aggregate(17, (h, c) => unchecked((h * 31) + c));
        EcgRecording ecg = SyntheticEcgModel.Generate(sample.HeartRateBpm, sample.StElevationMv, seed);
        EcgAnalysis analysis = EcgAnalyzer.Analyze(ecg);
        var study = new EcgStudyInfo
        {
            PatientName = sample.PatientName,
            PatientId = sample.PatientId,
            PatientSex = sample.Sex,
            PatientBirthDate = sample.BirthDate,
            AcquisitionDateTime = new DateTime(2026, 1, 15, 9, 30, 0, DateTimeKind.Unspecified),
            StudyInstanceUid = DicomUids.FromName(sample.Seed + "/study"),
            SeriesInstanceUid = DicomUids.FromName(sample.Seed + "/series"),
            SopInstanceUid = DicomUids.FromName(sample.Seed + "/instance"),
            StudyId = sample.PatientId,
            InstitutionName = "示例乡镇卫生院 (synthetic)",
            Manufacturer = "Telemed synthetic ECG",
            CharacterSet = DicomCharacterSet.FromSpecificCharacterSet(sample.CharacterSet),
        };
        EcgWaveformWriter.Create(ecg, study, analysis).Write(output);
    }
}
