using Telemed.Samples.Dicom;

// make-dicom-samples [<folder>]: writes the demo ECGs and chest radiographs (default: the folder above this project, samples/dicom).
string folder = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));
foreach (string path in DemoSamples.WriteAll(folder).Concat(ChestSamples.WriteAll(folder)))
{
    Console.WriteLine($"{path} ({new FileInfo(path).Length} bytes)");
}
