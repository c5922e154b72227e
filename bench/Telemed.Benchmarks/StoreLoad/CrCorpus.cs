using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Benchmarks.StoreLoad;

/// <summary>
/// The store-throughput corpus: <c>count</c> uncompressed 16-bit CR images of 2500 × 3000 (≈ 15 MB each), all the
/// same phantom pixels but each its own study, series and instance, as a day of township X-rays would arrive.
/// Usage: <c>dotnet run -c Release --project bench/Telemed.Benchmarks -- make-cr-corpus &lt;dir&gt; [count]</c>.
/// </summary>
internal static class CrCorpus
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: make-cr-corpus <dir> [count=300]");
            return 2;
        }

        string directory = args[1];
        int count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 300;
        Directory.CreateDirectory(directory);
        string template = Path.Combine(directory, "template.tmp");
        PhantomRadiograph.Write(template);
        ReadOnlyMemory<byte> pixels = DicomFile.Open(template).Dataset[DicomTag.PixelData].Value;
        File.Delete(template);

        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            string path = Path.Combine(directory, $"cr-{i:D4}.dcm");
            DicomFile.Create(Image(i, pixels)).Save(path);
            bytes += new FileInfo(path).Length;
        }

        Console.WriteLine($"{count} files, {bytes / 1e6:F0} MB in {directory}");
        return 0;
    }

    private static DicomDataset Image(int index, ReadOnlyMemory<byte> pixels)
    {
        var builder = new DicomDatasetBuilder();
        string study = DicomUids.FromName($"telemed-bench-study-{index}");
        builder.Add("SOPClassUID", "1.2.840.10008.5.1.4.1.1.1")
            .Add("SOPInstanceUID", DicomUids.FromName($"telemed-bench-instance-{index}"))
            .Add("StudyDate", "20261126")
            .Add("StudyTime", "080000")
            .Add("AccessionNumber", $"BENCH{index:D5}")
            .Add("Modality", "CR")
            .Add("PatientName", $"BENCH^PHANTOM{index:D4}")
            .Add("PatientID", $"BENCH-{index:D4}")
            .Add("BodyPartExamined", "CHEST")
            .Add("StudyInstanceUID", study)
            .Add("SeriesInstanceUID", DicomUids.FromName($"telemed-bench-series-{index}"))
            .Add("StudyID", "1")
            .AddInteger("SeriesNumber", 1)
            .AddInteger("InstanceNumber", 1)
            .AddUInt16("SamplesPerPixel", 1)
            .Add("PhotometricInterpretation", "MONOCHROME2")
            .AddUInt16("Rows", 3000)
            .AddUInt16("Columns", 2500)
            .AddUInt16("BitsAllocated", 16)
            .AddUInt16("BitsStored", 16)
            .AddUInt16("HighBit", 15)
            .AddUInt16("PixelRepresentation", 0)
            .AddBinary(DicomTag.PixelData, DicomVR.OW, pixels);
        return builder.Build();
    }
}
