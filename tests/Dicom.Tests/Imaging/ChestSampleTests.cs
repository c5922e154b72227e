using System.Diagnostics;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Tags;
using Telemed.Samples.Dicom;
using Xunit;
using Xunit.Abstractions;

namespace Telemed.Dicom.Tests.Imaging;

public sealed class ChestSampleTests(ITestOutputHelper output)
{
    private static string Committed(string name) => Path.Combine(TestData.RepositoryRoot, "samples", "dicom", name);

    [Fact]
    public void Regenerated_chest_samples_are_byte_identical_to_the_committed_ones()
    {
        Assert.Equal(2, ChestSamples.All.Count);
        foreach (ChestSamples.Sample sample in ChestSamples.All)
        {
            using var stream = new MemoryStream();
            ChestSamples.Write(sample, stream);
            byte[] committed = File.ReadAllBytes(Committed(sample.FileName));
            Assert.True(committed.AsSpan().SequenceEqual(stream.ToArray()),
                $"{sample.FileName} differs from the generator's output; regenerate with dotnet run --project samples/dicom/Generator");
            Assert.InRange(committed.Length, 400_000, 600_000);
        }
    }

    [Theory]
    [InlineData("cr-chest-pa-gb18030.dcm", "CRImage")]
    [InlineData("dx-chest-pa-utf8.dcm", "DXImageForPresentation")]
    public void Dciodvfy_recognises_the_IOD_and_reports_neither_errors_nor_warnings(string file, string iod)
    {
        string report = Dciodvfy.Report(Committed(file));
        Assert.Equal(iod, report.Split('\n')[0].Trim());
        Assert.DoesNotContain("Error", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", report, StringComparison.Ordinal);
    }

    /// <summary>Our decoding of the names, and DCMTK's conversion of the same bytes to UTF-8 (dcmdump +U8).</summary>
    [Theory]
    [InlineData("cr-chest-pa-gb18030.dcm", "GB18030", "Wang^Wu", "王^五")]
    [InlineData("dx-chest-pa-utf8.dcm", "ISO_IR 192", "Zhao^Liu", "赵^六")]
    public void Patient_names_decode_to_the_expected_Chinese(string file, string characterSet, string alphabetic, string ideographic)
    {
        DicomFile dicom = DicomFile.Open(Committed(file));
        Assert.Equal(characterSet, dicom.Dataset.GetString(DicomTag.SpecificCharacterSet));
        var name = dicom.Dataset.GetPersonName(new DicomTag(0x0010, 0x0010));
        Assert.Equal(alphabetic, $"{name.FamilyName}^{name.GivenName}");
        Assert.Equal(ideographic, name.Ideographic);

        var start = new ProcessStartInfo("dcmdump", ["+U8", "+P", "PatientName", Committed(file)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        using Process process = Process.Start(start)!;
        string dump = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Contains($"[{alphabetic}={ideographic}]", dump, StringComparison.Ordinal);
    }

    /// <summary>The benchmark's 2500 × 3000 phantom is the same model; its spacing keeps 430 mm on the longer side.</summary>
    [Fact]
    public void Benchmark_size_phantom_has_the_requested_geometry()
    {
        var clock = Stopwatch.StartNew();
        DicomFile large = ChestSamples.Create(ChestSamples.All[0], 2500, 3000);
        output.WriteLine($"2500 × 3000 phantom in {clock.ElapsedMilliseconds} ms");
        PixelData pixels = PixelData.FromFile(large);
        Assert.Equal((2500, 3000), (pixels.Columns, pixels.Rows));
        Assert.Equal(430.0 / 3000, large.Dataset.GetDouble(new DicomTag(0x0018, 0x1164)), 4);
        RenderedImage image = ImageRenderer.Render(pixels, 0);
        // Lung (u = −0.42, v = 0.38) darker than spine (u = 0) at this size too.
        int y = (int)(0.38 * 3000);
        Assert.True(image.Pixels[(y * 2500) + 725] + 80 < image.Pixels[(y * 2500) + 1250]);
    }

    [Theory]
    [InlineData("cr-chest-pa-gb18030.dcm")]
    [InlineData("dx-chest-pa-utf8.dcm")]
    public void Pixel_values_are_12_bit_and_use_most_of_the_range(string file)
    {
        PixelData pixels = PixelData.FromFile(DicomFile.Open(Committed(file)));
        Assert.Equal((512, 512, 16, 12, false), (pixels.Columns, pixels.Rows, pixels.BitsAllocated, pixels.BitsStored, pixels.IsSigned));
        ushort[] values = new ushort[pixels.SamplesPerFrame];
        pixels.DecodeFrame(0, values);
        // Stored values above Bits Stored would be lost by the mask: the raw words must already fit 12 bits.
        ReadOnlySpan<byte> raw = pixels.GetFrame(0).Span;
        int rawMax = 0;
        for (int i = 0; i < raw.Length; i += 2)
        {
            rawMax = Math.Max(rawMax, raw[i] | (raw[i + 1] << 8));
        }

        Assert.InRange(rawMax, 3000, 4095);
        Assert.InRange(values.Min(), 0, 300);
    }

    /// <summary>
    /// Rendered with the file's window: air outside the body is black, the lungs are dark, mediastinum and spine are
    /// bright, the abdomen under the diaphragm is brighter than the lungs, and the heart shadow sits on the patient's
    /// left (the viewer's right).
    /// </summary>
    [Theory]
    [InlineData("cr-chest-pa-gb18030.dcm")]
    [InlineData("dx-chest-pa-utf8.dcm")]
    public void Rendered_frame_looks_like_a_PA_chest(string file)
    {
        RenderedImage image = ImageRenderer.Render(PixelData.FromFile(DicomFile.Open(Committed(file))), 0);
        Assert.Equal(RenderedImageFormat.Gray8, image.Format);
        Assert.NotNull(image.Window);

        // (u, v): u from −1 (left edge) to +1 (right edge), v from 0 (top) to 1 (bottom).
        double Mean(double u, double v)
        {
            int cx = (int)((u + 1) / 2 * image.Width);
            int cy = (int)(v * image.Height);
            int half = image.Width / 40;
            double sum = 0;
            int n = 0;
            for (int y = cy - half; y <= cy + half; y++)
            {
                for (int x = cx - half; x <= cx + half; x++)
                {
                    sum += image.Pixels[(y * image.Width) + x];
                    n++;
                }
            }

            return sum / n;
        }

        double air = Mean(-0.95, 0.05);
        double rightLung = Mean(-0.42, 0.38);
        double leftLung = Mean(0.42, 0.38);
        double spine = Mean(0, 0.38);
        double mediastinum = Mean(0.1, 0.30);
        double abdomen = Mean(-0.4, 0.88);
        double heartSide = Mean(0.25, 0.57);
        double mirror = Mean(-0.25, 0.57);
        output.WriteLine($"{file}: air {air:F0}, lungs {rightLung:F0}/{leftLung:F0}, spine {spine:F0}, mediastinum {mediastinum:F0}, abdomen {abdomen:F0}, heart side {heartSide:F0} vs {mirror:F0}");

        Assert.True(air < 15, $"air {air:F0}");
        Assert.InRange(rightLung, air + 10, 110);
        Assert.InRange(Math.Abs(rightLung - leftLung), 0, 15);
        Assert.True(spine > rightLung + 100, $"spine {spine:F0} vs lung {rightLung:F0}");
        Assert.True(mediastinum > rightLung + 50, $"mediastinum {mediastinum:F0} vs lung {rightLung:F0}");
        Assert.True(abdomen > rightLung + 50, $"abdomen {abdomen:F0} vs lung {rightLung:F0}");
        Assert.True(heartSide > mirror + 20, $"heart side {heartSide:F0} vs mirror {mirror:F0}");

        // Ribs cross the lungs: along a vertical line through a lung, brightness rises and falls once per rib.
        int column = (int)((0.58 / 2) * image.Width); // u = −0.42
        var profile = new List<double>();
        for (int y = (int)(0.22 * image.Height); y < (int)(0.55 * image.Height); y++)
        {
            double local = 0;
            for (int dx = -3; dx <= 3; dx++)
            {
                local += image.Pixels[(y * image.Width) + column + dx];
            }

            profile.Add(local / 7);
        }

        double level = (profile.Min() + profile.Max()) / 2;
        int crossings = 0;
        for (int i = 1; i < profile.Count; i++)
        {
            crossings += (profile[i] > level) != (profile[i - 1] > level) ? 1 : 0;
        }

        output.WriteLine($"rib profile {profile.Min():F0}..{profile.Max():F0}, {crossings} crossings");
        Assert.True(profile.Max() - profile.Min() > 12, "ribs barely show over the lung");
        Assert.InRange(crossings / 2, 4, 9);
    }
}
