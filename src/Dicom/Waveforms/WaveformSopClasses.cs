namespace Telemed.Dicom.Waveforms;

/// <summary>Storage SOP Classes of the ECG waveform IODs this module reads and writes (PS3.4 Annex B.5).</summary>
public static class WaveformSopClasses
{
    /// <summary>12-Lead ECG Waveform Storage (PS3.3 A.34.3).</summary>
    public const string TwelveLeadEcg = "1.2.840.10008.5.1.4.1.1.9.1.1";

    /// <summary>General ECG Waveform Storage (PS3.3 A.34.4).</summary>
    public const string GeneralEcg = "1.2.840.10008.5.1.4.1.1.9.1.2";

    /// <summary>Ambulatory ECG Waveform Storage (PS3.3 A.34.5).</summary>
    public const string AmbulatoryEcg = "1.2.840.10008.5.1.4.1.1.9.1.3";

    /// <summary>Hemodynamic Waveform Storage (PS3.3 A.35): some carts file ECGs under it with Modality ECG.</summary>
    public const string Hemodynamic = "1.2.840.10008.5.1.4.1.1.9.2.1";
}
