namespace Telemed.Dicom.Imaging;

/// <summary>A window (Window Center, Window Width, VOI LUT Function) applied to modality values (PS3.3 C.11.2.1.2).</summary>
public readonly record struct VoiWindow(double Center, double Width, VoiLutFunction Function = VoiLutFunction.Linear)
{
    /// <summary>
    /// The output for input <paramref name="x"/> between <paramref name="yMin"/> and <paramref name="yMax"/>, by the
    /// formulas of PS3.3 C.11.2.1.2.1 (LINEAR), C.11.2.1.3.2 (LINEAR_EXACT) and C.11.2.1.3.1 (SIGMOID).
    /// </summary>
    public double Apply(double x, double yMin, double yMax)
    {
        switch (Function)
        {
            case VoiLutFunction.LinearExact:
                if (x <= Center - (Width / 2))
                {
                    return yMin;
                }

                if (x > Center + (Width / 2))
                {
                    return yMax;
                }

                return (((x - Center) / Width) + 0.5) * (yMax - yMin) + yMin;
            case VoiLutFunction.Sigmoid:
                return ((yMax - yMin) / (1 + Math.Exp(-4 * (x - Center) / Width))) + yMin;
            default:
                if (x <= Center - 0.5 - ((Width - 1) / 2))
                {
                    return yMin;
                }

                if (x > Center - 0.5 + ((Width - 1) / 2))
                {
                    return yMax;
                }

                return ((((x - (Center - 0.5)) / (Width - 1)) + 0.5) * (yMax - yMin)) + yMin;
        }
    }

    /// <summary>PS3.3 C.11.2.1.2.1: LINEAR needs Width ≥ 1; LINEAR_EXACT and SIGMOID need Width &gt; 0.</summary>
    public bool IsValid => Function == VoiLutFunction.Linear ? Width >= 1 : Width > 0;

    /// <summary>
    /// The LINEAR window that maps <paramref name="min"/> to the lowest output and <paramref name="max"/> to the highest:
    /// with c = (min + max + 1) / 2 and w = max − min + 1 the C.11.2.1.2.1 edges fall exactly on min and max.
    /// </summary>
    public static VoiWindow FromRange(double min, double max) => new((min + max + 1) / 2, max - min + 1);

    public static VoiLutFunction ParseFunction(string? text) => text?.Trim() switch
    {
        "LINEAR_EXACT" => VoiLutFunction.LinearExact,
        "SIGMOID" => VoiLutFunction.Sigmoid,
        _ => VoiLutFunction.Linear,
    };
}
