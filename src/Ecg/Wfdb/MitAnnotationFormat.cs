namespace Telemed.Ecg.Wfdb;

/// <summary>
/// Layout facts of the MIT annotation format shared by <see cref="WfdbAnnotationReader"/> and
/// <see cref="WfdbAnnotationWriter"/> (PhysioNet annot(5); WFDB getann/putann in annot.c).
/// </summary>
internal static class MitAnnotationFormat
{
    /// <summary>Pseudo-code: the next two words hold a 32-bit time interval (PDP-11 order, high word first).</summary>
    public const int Skip = 59;

    /// <summary>Pseudo-code: sets the annotation number of the preceding annotation and of those that follow.</summary>
    public const int Num = 60;

    /// <summary>Pseudo-code: sets the subtype of the preceding annotation.</summary>
    public const int Sub = 61;

    /// <summary>Pseudo-code: sets the channel of the preceding annotation and of those that follow.</summary>
    public const int Chn = 62;

    /// <summary>Pseudo-code: the low 8 bits give the length of the AUX string that follows (padded to even).</summary>
    public const int Aux = 63;

    /// <summary>A word is a 6-bit code (high bits) and a 10-bit value (annot(5)).</summary>
    public const int CodeShift = 10;

    public const int ValueMask = 0x3FF;

    /// <summary>Largest AUX string: getann reads its length as <c>word &amp; 0377</c>.</summary>
    public const int MaxAuxBytes = 255;
}
