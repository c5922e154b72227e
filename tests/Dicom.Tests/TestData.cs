using Xunit;

namespace Telemed.Dicom.Tests;

/// <summary>Locates the shared DICOM reference corpus (../shared/dicom beside the repository) and its manifest.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);
    private static readonly Lazy<IReadOnlyList<CorpusFile>> Manifest = new(ReadManifest);

    /// <summary>The directory that holds Telemed.sln (walking up from the test binaries).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>../shared/dicom. CI always has it, so a missing folder fails the test instead of skipping it.</summary>
    public static string CorpusDirectory
    {
        get
        {
            string dir = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "dicom"));
            if (!File.Exists(Path.Combine(dir, "MANIFEST.tsv")))
            {
                Assert.Fail($"DICOM reference corpus not found at {dir} (expected ../shared/dicom/MANIFEST.tsv relative to the repository root {RepositoryRoot}). " +
                    "The conformance tests need its 380 files; they do not pass without them.");
            }

            return dir;
        }
    }

    public static IReadOnlyList<CorpusFile> CorpusFiles => Manifest.Value;

    public static string PathOf(string relative) => Path.Combine(CorpusDirectory, relative);

    private static IReadOnlyList<CorpusFile> ReadManifest()
    {
        string[] lines = File.ReadAllLines(Path.Combine(CorpusDirectory, "MANIFEST.tsv"));
        string[] header = lines[0].Split('\t');
        int file = Array.IndexOf(header, "file");
        int ok = Array.IndexOf(header, "dcmdump_ok");
        int syntax = Array.IndexOf(header, "transfer_syntax");
        Assert.True(file >= 0 && ok >= 0 && syntax >= 0, "MANIFEST.tsv lacks the file, transfer_syntax or dcmdump_ok column");
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(f => new CorpusFile(f[file], f[syntax], f[ok] == "yes"))];
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Telemed.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No directory containing Telemed.sln above {AppContext.BaseDirectory}.");
    }
}
