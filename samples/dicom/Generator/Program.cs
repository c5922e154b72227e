using Telemed.Samples.Dicom;

// make-dicom-samples [<folder>]: writes the demo ECGs (default: the folder above this project, samples/dicom).
string folder = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..");
foreach (string path in DemoSamples.WriteAll(Path.GetFullPath(folder)))
{
    Console.WriteLine($"{path} ({new FileInfo(path).Length} bytes)");
}
