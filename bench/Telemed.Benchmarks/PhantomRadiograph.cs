using Telemed.Samples.Dicom;

namespace Telemed.Benchmarks;

/// <summary>
/// A synthetic 2500 columns × 3000 rows CR chest: the demo sample's phantom (samples/dicom/Generator,
/// <see cref="ChestPhantomModel"/>) at full detector resolution, 12 of 16 bits, so that window/level and PNG
/// compression see radiograph-like data. The corpus has no native CR/DX of 2000 × 2000 or more.
/// </summary>
internal static class PhantomRadiograph
{
    /// <summary>The phantom's own window, used by both sides of the render comparison.</summary>
    public const double WindowCenter = ChestPhantomModel.WindowCenter;

    public const double WindowWidth = ChestPhantomModel.WindowWidth;

    public static void Write(string path, int columns = 2500, int rows = 3000) =>
        ChestSamples.Create(ChestSamples.All[0], columns, rows).Save(path);
}
