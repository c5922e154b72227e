using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Formats;

/// <summary>
/// An ECG file converted to the signal model: the recording (leads in millivolts via their gains), what the file says
/// about patient and acquisition, and what the reader tolerated (warnings) instead of refusing the file.
/// </summary>
public sealed class EcgDocument(EcgFileFormat format, EcgRecording recording, EcgMetadata metadata, IReadOnlyList<string> warnings)
{
    public EcgFileFormat Format { get; } = format;

    public EcgRecording Recording { get; } = recording ?? throw new ArgumentNullException(nameof(recording));

    public EcgMetadata Metadata { get; } = metadata ?? throw new ArgumentNullException(nameof(metadata));

    public IReadOnlyList<string> Warnings { get; } = warnings?.ToArray() ?? throw new ArgumentNullException(nameof(warnings));
}
