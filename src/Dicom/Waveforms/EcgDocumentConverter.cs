using Telemed.Dicom.Files;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;

namespace Telemed.Dicom.Waveforms;

/// <summary>
/// An ECG file of another format (SCP-ECG, HL7 aECG, Philips XML, WFDB), read into the signal model, written as a DICOM
/// 12-Lead or General ECG object with our analysis in its annotations, so it is stored, routed and viewed like an ECG a
/// cart sent over DICOM. Leads without a CID 3001 code (a WFDB record's respiration channel, say) cannot be named in
/// the object and are left out with a warning.
/// </summary>
public static class EcgDocumentConverter
{
    public static DicomFile ToDicom(EcgDocument document, EcgStudyInfo study, out IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(study);
        var notes = new List<string>(document.Warnings);
        EcgRecording recording = document.Recording;
        var kept = recording.Leads.Where(l => l.IsVoltage && EcgLeadCodes.ForLead(l.Id) is not null).ToList();
        foreach (EcgLead dropped in recording.Leads.Except(kept))
        {
            notes.Add($"lead {dropped.Label} left out: no DICOM lead code (CID 3001) for it");
        }

        if (kept.Count == 0)
        {
            throw new EcgFormatException(document.Format, "leads", "none of the file's leads is an ECG lead DICOM can name (I, II, V1… per CID 3001).");
        }

        if (kept.Count != recording.Leads.Count)
        {
            recording = new EcgRecording(recording.SamplingRate, kept, recording.Name);
        }

        EcgAnalysis analysis = EcgAnalyzer.Analyze(recording, document.Metadata.ToPatientContext());
        warnings = notes;
        return EcgWaveformWriter.Create(recording, study, analysis);
    }

    /// <summary>
    /// Who and when from the file's metadata; the UIDs are given (an uploader derives them from the file's hash, so
    /// the same file uploaded twice is the same instance). <paramref name="patientId"/> overrides the file's.
    /// </summary>
    public static EcgStudyInfo StudyInfo(EcgMetadata metadata, string studyUid, string seriesUid, string sopUid, DateTime fallbackTime,
        string? patientId = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string name = metadata.FamilyName is null && metadata.GivenName is null
            ? string.Empty
            : $"{metadata.FamilyName}^{metadata.GivenName}".TrimEnd('^');
        return new EcgStudyInfo
        {
            PatientName = name,
            PatientId = patientId ?? metadata.PatientId ?? string.Empty,
            PatientBirthDate = metadata.BirthDate,
            PatientSex = metadata.Sex switch
            {
                Sex.Male => "M",
                Sex.Female => "F",
                _ => null,
            },
            AcquisitionDateTime = metadata.AcquisitionTime ?? fallbackTime,
            StudyInstanceUid = studyUid,
            SeriesInstanceUid = seriesUid,
            SopInstanceUid = sopUid,
        };
    }
}
