namespace Telemed.ConsultHub.Live.Ecg;

/// <summary>
/// A beat in a live ECG: its sample index in the stream and an MIT-BIH style label. The streaming detector finds QRS
/// complexes without classifying them, so its beats are "Q" (unclassified); a browser-attached device may send its own.
/// </summary>
public sealed record EcgLiveBeat(long Sample, string Label)
{
    /// <summary>MIT-BIH annotation mnemonic for a beat that was detected but not classified.</summary>
    public const string Unclassified = "Q";
}
