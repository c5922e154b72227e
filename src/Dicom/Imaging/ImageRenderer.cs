using Telemed.Dicom.Data;

namespace Telemed.Dicom.Imaging;

/// <summary>
/// Renders a frame to 8 bits. Grayscale: stored value → Modality LUT (PS3.3 C.11.1) → VOI window or VOI LUT
/// (C.11.2) → MONOCHROME1 inversion, precomputed as one table over the frame's stored range and applied per pixel.
/// Colour: RGB as is, YBR_FULL and YBR_FULL_422 converted to RGB (C.7.6.3.1.2), PALETTE COLOR through its tables.
/// </summary>
public static class ImageRenderer
{
    public static RenderedImage Render(PixelData pixels, int frame, RenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        options ??= RenderOptions.Default;
        int[] samples = new int[pixels.SamplesPerFrame];
        pixels.DecodeFrame(frame, samples);
        return pixels.PhotometricInterpretation switch
        {
            PhotometricInterpretation.Monochrome1 or PhotometricInterpretation.Monochrome2 => RenderGrayscale(pixels, samples, options),
            PhotometricInterpretation.PaletteColor => RenderPalette(pixels, samples),
            _ => RenderColor(pixels, samples),
        };
    }

    /// <summary>
    /// The window the file asks for: the first Window Center/Width pair with its VOI LUT Function
    /// (PS3.3 C.11.2.1.2), or null when absent or unusable.
    /// </summary>
    public static VoiWindow? WindowFromFile(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.TryGetElement(ImageTags.WindowCenter, out DicomElement? c) || c.ValueCount == 0
            || !dataset.TryGetElement(ImageTags.WindowWidth, out DicomElement? w) || w.ValueCount == 0)
        {
            return null;
        }

        var window = new VoiWindow(c.GetDouble(), w.GetDouble(), VoiWindow.ParseFunction(dataset.GetStringOrNull(ImageTags.VoiLutFunction)));
        return window.IsValid ? window : null;
    }

    private static RenderedImage RenderGrayscale(PixelData pixels, int[] samples, RenderOptions options)
    {
        int min = int.MaxValue;
        int max = int.MinValue;
        foreach (int s in samples)
        {
            min = Math.Min(min, s);
            max = Math.Max(max, s);
        }

        ModalityLut modality = ModalityLut.FromDataset(pixels.Dataset);
        double low = Math.Min(modality.Apply(min), modality.Apply(max));
        double high = Math.Max(modality.Apply(min), modality.Apply(max));

        VoiWindow? window = options.Window;
        VoiLut? table = null;
        if (window is null && !options.MinMaxWindow)
        {
            window = WindowFromFile(pixels.Dataset);
            if (window is null)
            {
                table = VoiLut.FromDataset(pixels.Dataset, pixels.IsSigned || modality.Intercept < 0);
            }
        }

        if (window is null && table is null)
        {
            window = VoiWindow.FromRange(low, high);
        }

        // PS3.3 C.7.6.3.1.2: MONOCHROME1 shows the minimum white, so the presentation is inverted.
        bool invert = pixels.PhotometricInterpretation == PhotometricInterpretation.Monochrome1;
        byte[] lut = new byte[max - min + 1];
        for (int i = 0; i < lut.Length; i++)
        {
            double value = modality.Apply(min + i);
            double y = window is { } win ? win.Apply(value, 0, 255) : table!.Apply(value) * 255;
            // Truncating the continuous output (after any inversion) is how DCMTK's dcm2pnm quantises; the standard
            // leaves quantisation to the display, and matching the peer makes differences mean something.
            lut[i] = (byte)Math.Clamp(Math.Floor(invert ? 255 - y : y), 0, 255);
        }

        byte[] result = new byte[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            result[i] = lut[samples[i] - min];
        }

        return new RenderedImage(pixels.Columns, pixels.Rows, RenderedImageFormat.Gray8, result, window);
    }

    private static RenderedImage RenderColor(PixelData pixels, int[] samples)
    {
        int shift = Math.Max(0, pixels.BitsStored - 8);
        bool ybr = pixels.PhotometricInterpretation is PhotometricInterpretation.YbrFull or PhotometricInterpretation.YbrFull422;
        byte[] result = new byte[samples.Length];
        for (int p = 0; p < samples.Length; p += 3)
        {
            int a = samples[p] >> shift;
            int b = samples[p + 1] >> shift;
            int c = samples[p + 2] >> shift;
            if (ybr)
            {
                // PS3.3 C.7.6.3.1.2, YBR_FULL: the full-range ITU-R BT.601 inverse (Cb and Cr centred on 128).
                double y = a;
                double cb = b - 128;
                double cr = c - 128;
                a = ToByte(y + (1.402 * cr));
                b = ToByte(y - (0.344136 * cb) - (0.714136 * cr));
                c = ToByte(y + (1.772 * cb));
            }

            result[p] = (byte)a;
            result[p + 1] = (byte)b;
            result[p + 2] = (byte)c;
        }

        return new RenderedImage(pixels.Columns, pixels.Rows, RenderedImageFormat.Rgb24, result, null);
    }

    private static RenderedImage RenderPalette(PixelData pixels, int[] samples)
    {
        PaletteColorLut palette = PaletteColorLut.FromDataset(pixels.Dataset, pixels.IsSigned);
        byte[] result = new byte[samples.Length * 3];
        for (int i = 0; i < samples.Length; i++)
        {
            palette.Apply(samples[i], result.AsSpan(i * 3, 3));
        }

        return new RenderedImage(pixels.Columns, pixels.Rows, RenderedImageFormat.Rgb24, result, null);
    }

    private static int ToByte(double v) => (int)Math.Clamp(Math.Round(v, MidpointRounding.AwayFromZero), 0, 255);
}
