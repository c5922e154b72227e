namespace Telemed.Ecg.Rhythm;

/// <summary>What a flag says about the recording. Thresholds are on <see cref="RhythmFlagger"/>.</summary>
public enum EcgFlagKind
{
    /// <summary>Heart rate under 50 bpm.</summary>
    Bradycardia,

    /// <summary>Heart rate over 100 bpm (up to 150).</summary>
    Tachycardia,

    /// <summary>Heart rate over 150 bpm.</summary>
    MarkedTachycardia,

    /// <summary>An RR interval over 3 s.</summary>
    Pause,

    /// <summary>Irregularly irregular RR without consistent P waves: atrial fibrillation suspected.</summary>
    IrregularlyIrregular,

    /// <summary>QRS ≥ 120 ms at a rate over 100 bpm: ventricular tachycardia until proven otherwise.</summary>
    WideComplexTachycardia,

    /// <summary>ST elevation meeting the STEMI criteria of the Fourth Universal Definition of MI in two contiguous leads.</summary>
    StElevation,

    /// <summary>No QRS and a near-flat line in every lead for several seconds.</summary>
    Asystole,

    /// <summary>A lead railed, constant or flat while others show a signal: an electrode is off.</summary>
    LeadOff,

    /// <summary>Noise beyond physiological limits in one or more leads: re-record.</summary>
    ExcessiveNoise,
}
