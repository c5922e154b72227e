namespace Telemed.Dicom;

/// <summary>
/// Broken or unsupported DICOM input. The message names what was being read, the byte offset and, where known,
/// the tag, so that a bad file from a device can be diagnosed from the log alone.
/// </summary>
public sealed class DicomException : Exception
{
    public DicomException()
    {
    }

    public DicomException(string message)
        : base(message)
    {
    }

    public DicomException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Byte offset in the parsed buffer where the problem was found, or -1 when not tied to a position.</summary>
    public long Offset { get; init; } = -1;

    /// <summary>The element being read when the problem was found, if any.</summary>
    public Tags.DicomTag? Tag { get; init; }

    internal static DicomException At(long offset, Tags.DicomTag? tag, string problem)
    {
        string where = tag is { } t ? $"{t} at offset {offset}" : $"offset {offset}";
        return new DicomException($"{where}: {problem}") { Offset = offset, Tag = tag };
    }
}
