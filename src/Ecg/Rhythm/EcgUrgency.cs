namespace Telemed.Ecg.Rhythm;

/// <summary>How soon the county cardiologist must see the ECG. Ordered most urgent first.</summary>
public enum EcgUrgency
{
    /// <summary>Immediately: possible STEMI, VT, asystole, long pause.</summary>
    Stat,

    /// <summary>Within the hour: fast or fibrillating rhythms.</summary>
    Urgent,

    /// <summary>With the normal reading queue, including technical problems for the township staff.</summary>
    Routine,
}
