using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Telemed.Imaging;
using Telemed.Dicom;
using Telemed.Dicom.Files;
using Telemed.Dicom.Data;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Imaging.Codecs;
using Telemed.Dicom.Tags;

namespace Telemed.Benchmarks;

/// <summary>
/// Telemed.Dicom side by side with DCMTK 3.6.7 in one run, so that the shared machine's load hits both alike; compare
/// each pair as a ratio. DCMTK times include starting its process once per call (the "process start" row is that cost
/// alone), which is how a user or a script runs it. Categories pair the rows: corpus parse, render, JPEG decode,
/// RLE encode, JPEG-LS decode (CharLS via P/Invoke vs dcmdjpls), JPEG 2000 decode (OpenJPEG via P/Invoke vs GDCM's
/// gdcmconv). In-process toolchain: Telemed.Imaging's SkiaSharp natives load without a generated project.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Configuration))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DicomVsDcmtkBenchmarks
{
    private static readonly string RenderWindowCentre = PhantomRadiograph.WindowCenter.ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string RenderWindowWidth = PhantomRadiograph.WindowWidth.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string[] _corpus = [];
    private string _workDirectory = "";
    private string _phantom = "";
    private string _jpegLossless = "";
    private string _jpegLs = "";
    private string _jpeg2000 = "";

    [GlobalSetup]
    public void Setup()
    {
        string root = ReferenceData.DicomCorpus();
        _corpus = [.. File.ReadAllLines(Path.Combine(root, "MANIFEST.tsv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => Path.Combine(root, l.Split('\t')[0]))];
        _workDirectory = Directory.CreateTempSubdirectory("telemed-bench-").FullName;
        _phantom = Path.Combine(_workDirectory, "phantom-cr-2500x3000.dcm");
        PhantomRadiograph.Write(_phantom);
        // fo-dicom's GH133.dcm: a 3062 × 2394 mammogram, 12 of 16 bits, JPEG Lossless SV1 (1.2.840.10008.1.2.4.70).
        _jpegLossless = Path.Combine(root, "fo-dicom", "tests", "GH133.dcm");
        // pylibjpeg-data's RG2_JLSL.dcm: a 1760 × 2140 CR, 10 of 16 bits, JPEG-LS Lossless (1.2.840.10008.1.2.4.80).
        _jpegLs = Path.Combine(root, "pylibjpeg-data", "JPEGLSLossless", "RG2_JLSL.dcm");
        // pydicom-data's RG3_J2KR.dcm: a 1760 × 1760 CR, 10 of 16 bits, JPEG 2000 Lossless (1.2.840.10008.1.2.4.90).
        _jpeg2000 = Path.Combine(root, "pydicom-data", "RG3_J2KR.dcm");

        // A peer that fails fast would look fast: check that each DCMTK command does its work.
        if (Dcm2pnmPhantom() != 0 || DcmdjpegLossless() != 0 || DcmcrlePhantom() != 0 || RenderPhantom() == 0 || EncodeRlePhantom() == 0
            || DecodeJpegLossless() != 3062 * 2394 * 2 || DecodeJpegLosslessWithJpegLibrary() != 3062 * 2394 * 2
            || DcmdjplsLossless() != 0 || DecodeJpegLs() != 1760 * 2140 * 2 || GdcmconvJpeg2000() != 0 || DecodeJpeg2000() != 1760 * 1760 * 2)
        {
            throw new InvalidOperationException("a DCMTK command or our decoder failed on the benchmark files");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_workDirectory, recursive: true);

    /// <summary>Every corpus file: headers and elements, pixel data as slices of the read buffer (not decoded).</summary>
    [Benchmark(Description = "ours: parse all 380 corpus files")]
    [BenchmarkCategory("a parse")]
    public int ParseCorpus()
    {
        int elements = 0;
        foreach (string path in _corpus)
        {
            try
            {
                elements += DicomFile.Open(path).Dataset.Count;
            }
            catch (DicomException)
            {
                elements--; // broken files of the corpus (dcmdump rejects them too)
            }
        }

        return elements;
    }

    /// <summary>One dcmdump process over all files; it formats every element as text, sent to /dev/null.</summary>
    [Benchmark(Description = "dcmdump: all 380 corpus files > /dev/null")]
    [BenchmarkCategory("a parse")]
    public int DcmdumpCorpus() => Shell("exec dcmdump \"$@\" >/dev/null 2>&1", _corpus);

    [Benchmark(Description = "ours: 2500x3000 16-bit CR -> window -> 8-bit PNG")]
    [BenchmarkCategory("b render")]
    public int RenderPhantom()
    {
        string output = Path.Combine(_workDirectory, "ours.png");
        PixelData pixels = PixelData.FromFile(DicomFile.Open(_phantom));
        var window = new VoiWindow(double.Parse(RenderWindowCentre, System.Globalization.CultureInfo.InvariantCulture), double.Parse(RenderWindowWidth, System.Globalization.CultureInfo.InvariantCulture));
        RenderedImage image = ImageRenderer.Render(pixels, 0, new RenderOptions { Window = window });
        byte[] png = DicomImageEncoder.Encode(image);
        File.WriteAllBytes(output, png);
        return png.Length;
    }

    [Benchmark(Description = "dcm2pnm --write-png +Ww: same file, same window")]
    [BenchmarkCategory("b render")]
    public int Dcm2pnmPhantom() =>
        Shell("exec dcm2pnm --write-png +Ww \"$1\" \"$2\" \"$3\" \"$4\"", [RenderWindowCentre, RenderWindowWidth, _phantom, Path.Combine(_workDirectory, "dcmtk.png")]);

    /// <summary>
    /// Decodes the one frame to native layout in memory through <c>PixelData.GetFrame</c>, which sends process 14
    /// to our own decoder; dcmdjpeg also writes the 14.7 MB native file.
    /// </summary>
    [Benchmark(Description = "ours (own lossless decoder): JPEG Lossless 3062x2394 16-bit frame decode")]
    [BenchmarkCategory("c jpeg")]
    public int DecodeJpegLossless() => PixelData.FromFile(DicomFile.Open(_jpegLossless)).GetFrame(0).Length;

    /// <summary>The same open and frame lookup, decoded by JpegLibrary 0.4.32 as before our own decoder.</summary>
    [Benchmark(Description = "JpegLibrary 0.4.32: same frame decode")]
    [BenchmarkCategory("c jpeg")]
    public int DecodeJpegLosslessWithJpegLibrary()
    {
        DicomFile file = DicomFile.Open(_jpegLossless);
        PixelData pixels = PixelData.FromFile(file);
        var fragments = (DicomFragmentSequence)file.Dataset.First(e => e.Tag == DicomTag.PixelData);
        ReadOnlyMemory<byte> encoded = EncapsulatedFrames.Get(file.Dataset, fragments, 0, pixels.FrameCount, out long fileOffset);
        byte[] frame = new byte[pixels.FrameLength];
        JpegFrameDecoder.DecodeWithJpegLibrary(encoded, frame, new JpegFrameExpectation(pixels.Rows, pixels.Columns, pixels.SamplesPerPixel, pixels.BitsAllocated),
            toRgb: false, fileOffset);
        return frame.Length;
    }

    [Benchmark(Description = "dcmdjpeg: same file to a native file")]
    [BenchmarkCategory("c jpeg")]
    public int DcmdjpegLossless() => Shell("exec dcmdjpeg \"$1\" \"$2\"", [_jpegLossless, Path.Combine(_workDirectory, "dcmdjpeg.dcm")]);

    /// <summary>Native file in, RLE Lossless file out (PS3.5 Annex G), as dcmcrle does it.</summary>
    [Benchmark(Description = "ours: 2500x3000 16-bit CR -> RLE Lossless file")]
    [BenchmarkCategory("d rle")]
    public long EncodeRlePhantom()
    {
        string output = Path.Combine(_workDirectory, "ours-rle.dcm");
        PixelDataTranscoder.ToRleLossless(DicomFile.Open(_phantom)).Save(output);
        return new FileInfo(output).Length;
    }

    [Benchmark(Description = "dcmcrle: same file to RLE Lossless")]
    [BenchmarkCategory("d rle")]
    public int DcmcrlePhantom() => Shell("exec dcmcrle \"$1\" \"$2\"", [_phantom, Path.Combine(_workDirectory, "dcmcrle.dcm")]);

    [Benchmark(Description = "ours: JPEG-LS lossless 1760x2140 16-bit frame decode")]
    [BenchmarkCategory("e jpeg-ls")]
    public int DecodeJpegLs() => PixelData.FromFile(DicomFile.Open(_jpegLs)).GetFrame(0).Length;

    [Benchmark(Description = "dcmdjpls: same file to a native file")]
    [BenchmarkCategory("e jpeg-ls")]
    public int DcmdjplsLossless() => Shell("exec dcmdjpls \"$1\" \"$2\"", [_jpegLs, Path.Combine(_workDirectory, "dcmdjpls.dcm")]);

    [Benchmark(Description = "ours: JPEG 2000 lossless 1760x1760 16-bit frame decode")]
    [BenchmarkCategory("f jpeg 2000")]
    public int DecodeJpeg2000() => PixelData.FromFile(DicomFile.Open(_jpeg2000)).GetFrame(0).Length;

    [Benchmark(Description = "gdcmconv --raw: same file to a native file")]
    [BenchmarkCategory("f jpeg 2000")]
    public int GdcmconvJpeg2000() => Shell("exec gdcmconv --raw \"$1\" \"$2\"", [_jpeg2000, Path.Combine(_workDirectory, "gdcmconv.dcm")]);

    /// <summary>The cost a DCMTK row carries for starting a process at all.</summary>
    [Benchmark(Description = "process start alone (sh -c true)")]
    [BenchmarkCategory("g process")]
    public int ProcessStart() => Shell("true", []);

    private static int Shell(string script, string[] args)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("sh");
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("sh did not start");
        process.WaitForExit();
        return process.ExitCode;
    }

    private sealed class Configuration : ManualConfig
    {
        public Configuration()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        }
    }
}
