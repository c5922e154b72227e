namespace Telemed.Benchmarks;

/// <summary>Finds ../shared beside the repository (walking up to Telemed.sln from the working directory or binaries).</summary>
internal static class ReferenceData
{
    public static string MitdbRecord(string name)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Telemed.sln")))
                {
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "ecg", "mitdb", name));
                }
            }
        }

        throw new DirectoryNotFoundException("Telemed.sln not found above the working directory; run the benchmarks from the repository.");
    }
}
