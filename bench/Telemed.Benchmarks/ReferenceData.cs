namespace Telemed.Benchmarks;

/// <summary>Finds ../shared beside the repository (walking up to Telemed.sln from the working directory or binaries).</summary>
internal static class ReferenceData
{
    public static string MitdbRecord(string name) => Path.Combine(SharedDirectory(), "ecg", "mitdb", name);

    /// <summary>../shared/dicom, the DICOM corpus listed in its MANIFEST.tsv.</summary>
    public static string DicomCorpus() => Path.Combine(SharedDirectory(), "dicom");

    private static string SharedDirectory()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Telemed.sln")))
                {
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                }
            }
        }

        throw new DirectoryNotFoundException("Telemed.sln not found above the working directory; run the benchmarks from the repository.");
    }
}
