namespace Telemed.Samples.Dicom;

/// <summary>
/// A posteroanterior chest radiograph made of smooth shapes, in 12-bit MONOCHROME2 values (bright = more
/// attenuation, as a film would show it). The trunk is soft tissue whose path length falls towards its edges; the
/// lungs take away most of it above the domed hemidiaphragms (the right one, on the viewer's left, higher over the
/// liver); mediastinum, heart shadow (bulging to the patient's left, the viewer's right), spine with disc spaces,
/// posterior ribs and clavicles add density. Shapes live in coordinates relative to the image, so any size works:
/// 512 × 512 for the samples, 2500 × 3000 for the benchmark. Gaussian noise comes from a seeded generator.
/// </summary>
internal static class ChestPhantomModel
{
    public const int BitsStored = 12;

    /// <summary>A window that shows lungs, mediastinum and bone together (PS3.3 C.11.2.1.2 centre/width).</summary>
    public const double WindowCenter = 1900;

    public const double WindowWidth = 3600;

    private const int MaxValue = (1 << BitsStored) - 1;
    private const int RibPairs = 10;

    /// <summary>Fills <paramref name="destination"/> (rows × columns, row by row) with the phantom.</summary>
    public static void Render(int columns, int rows, int seed, Span<ushort> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, columns * rows);
        var random = new Random(seed);
        double edge = 1.5 / Math.Min(columns, rows); // soft edges about a pixel and a half wide

        // Terms that depend on the column only are computed once per column (the benchmark asks for 2500 × 3000).
        var terms = new ColumnTerms[columns];
        for (int x = 0; x < columns; x++)
        {
            // u: −1 at the left border, +1 at the right; the patient's right is on the viewer's left (PA view).
            double u = (((x + 0.5) / columns) * 2) - 1;
            double side = Math.Abs(u);
            terms[x] = new ColumnTerms(
                u,
                side,
                // Hemidiaphragm domes; the right one (u < 0) rises smoothly a little higher over the liver.
                0.70 - (0.07 * Math.Max(0, 1 - Math.Pow((side - 0.40) / 0.32, 2))) - (0.025 * Inside(-u, 0.2)),
                // Each rib rises a little from the spine, arches over the lung and turns down at the lateral chest wall.
                (0.05 * Math.Sin(Math.PI * Math.Min(side / 0.70, 1))) - (0.6 * Math.Pow(Math.Max(0, side - 0.62), 2)),
                0.16 - (0.08 * (side - 0.07)) + (0.15 * Math.Pow(side - 0.32, 2)));
        }

        for (int y = 0; y < rows; y++)
        {
            double v = (y + 0.5) / rows;
            // Vertebral bodies separated by less dense disc spaces.
            double disc = 0.5 + (0.5 * Math.Cos(2 * Math.PI * v / 0.048));
            double vertebra = 0.55 - (0.12 * Math.Pow(disc, 8));
            for (int x = 0; x < columns; x++)
            {
                double attenuation = Attenuation(terms[x], v, vertebra, edge);
                // Box–Muller: one normal sample per pixel, a few grey levels of quantum noise.
                double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                double value = 180 + (attenuation * 1250) + (noise * 12);
                destination[(y * columns) + x] = (ushort)Math.Clamp((int)Math.Round(value), 0, MaxValue);
            }
        }
    }

    /// <summary>Relative attenuation along the ray through (u, v): 0 in air, about 2.5 through spine and abdomen.</summary>
    private static double Attenuation(in ColumnTerms c, double v, double vertebra, double edge)
    {
        double u = c.U;
        double side = c.Side;

        // Trunk: narrower neck above the shoulders, full width below; path length ∝ the chord of an ellipse.
        double halfWidth = v < 0.10 ? 0.30 : v < 0.16 ? 0.30 + ((v - 0.10) / 0.06 * 0.55) : 0.85;
        double chord = Chord(u / halfWidth);
        double body = Inside(1 - Math.Abs(u / halfWidth), edge) * (0.55 + (0.45 * chord));

        // Below the diaphragm the abdomen is denser.
        double abdomen = Inside(v - c.Dome, edge * 2) * 0.35 * chord;

        // Lungs: ellipses each side of the mediastinum, cut off by the diaphragm.
        double lungShape = Ellipse((side - 0.40) / 0.29, (v - 0.43) / 0.33);
        double lung = Inside(lungShape, edge * 3) * Inside(c.Dome - v, edge * 2) * (0.55 + (0.25 * Chord(lungShape - 1)));

        // Heart: an ellipse left of centre (viewer's right), overlapping the lower left lung.
        double heart = Inside(Ellipse((u - 0.09) / 0.25, (v - 0.60) / 0.13), edge * 6) * 0.30 * (0.6 + (0.4 * Chord((u - 0.09) / 0.25)));
        double mediastinum = Inside(0.14 - side, edge * 3) * Inside(v - 0.12, edge) * 0.25;

        // Spine: a band down the middle.
        double spine = Inside(0.055 - side, edge * 2) * vertebra;

        return body - lung + abdomen + heart + mediastinum + spine + Ribs(c, v, edge) + Clavicles(c, v, edge);
    }

    /// <summary>Posterior ribs: arcs from the spine outwards and down, denser at their cortical edges.</summary>
    private static double Ribs(in ColumnTerms c, double v, double edge)
    {
        double side = c.Side;
        if (side < 0.05 || side > 0.80)
        {
            return 0;
        }

        double sum = 0;
        for (int i = 0; i < RibPairs; i++)
        {
            double centre = 0.20 + (0.050 * i) + (0.04 * side) - c.RibArch;
            double distance = Math.Abs(v - centre) / (0.010 + (0.003 * side));
            if (distance < 1.5)
            {
                double cortex = 0.7 + (0.3 * distance * distance);
                sum += Inside(1 - distance, edge * 60) * cortex * 0.28 * Inside(0.80 - side, 0.05) * Inside(side - 0.05, 0.02);
            }
        }

        return sum;
    }

    /// <summary>Clavicles: from the sternal end near the midline up and out towards the shoulders.</summary>
    private static double Clavicles(in ColumnTerms c, double v, double edge)
    {
        double side = c.Side;
        if (side < 0.04 || side > 0.62)
        {
            return 0;
        }

        double distance = Math.Abs(v - c.ClavicleCentre) / 0.013;
        return Inside(1 - distance, edge * 50) * 0.40 * Inside(0.60 - side, 0.04) * Inside(side - 0.06, 0.03);
    }

    /// <summary>1 inside (d &gt; 0), 0 outside, a smoothstep of width <paramref name="width"/> across the boundary.</summary>
    private static double Inside(double d, double width)
    {
        double t = Math.Clamp((d / width) + 0.5, 0, 1);
        return t * t * (3 - (2 * t));
    }

    /// <summary>Signed distance-like value of an ellipse in normalised coordinates: positive inside.</summary>
    private static double Ellipse(double a, double b) => 1 - Math.Sqrt((a * a) + (b * b));

    /// <summary>Relative chord length of a unit circle at offset t: √(1 − t²), 0 outside.</summary>
    private static double Chord(double t) => Math.Sqrt(Math.Max(0, 1 - (t * t)));

    /// <summary>What one column contributes: position, diaphragm height, rib arch and clavicle height there.</summary>
    private readonly record struct ColumnTerms(double U, double Side, double Dome, double RibArch, double ClavicleCentre);
}
