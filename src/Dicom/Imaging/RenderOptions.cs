namespace Telemed.Dicom.Imaging;

/// <summary>Choices for rendering a frame; the defaults follow the file.</summary>
public sealed record RenderOptions
{
    public static RenderOptions Default { get; } = new();

    /// <summary>A window chosen by the reader; overrides the file's window and VOI LUT.</summary>
    public VoiWindow? Window { get; init; }

    /// <summary>Ignore the file's windows and VOI LUT and window on the frame's minimum and maximum.</summary>
    public bool MinMaxWindow { get; init; }
}
