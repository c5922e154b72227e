using Xunit;

namespace Telemed.Ecg.Tests;

/// <summary>Locates the shared reference data and the committed fixtures.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The directory that holds Telemed.sln (walking up from the test binaries).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>
    /// The shared MIT-BIH Arrhythmia Database (../shared/ecg/mitdb next to the repository). CI always has it, so a
    /// missing folder fails the test instead of skipping it.
    /// </summary>
    public static string MitdbDirectory
    {
        get
        {
            string dir = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "ecg", "mitdb"));
            if (!Directory.Exists(dir) || !File.Exists(Path.Combine(dir, "100.hea")))
            {
                Assert.Fail($"MIT-BIH reference data not found at {dir} (expected ../shared/ecg/mitdb relative to the repository root {RepositoryRoot}). " +
                    "These tests need the 48 MIT-BIH records (.hea/.dat/.atr); they do not pass without them.");
            }

            return dir;
        }
    }

    /// <summary>
    /// A real ECG file of ../shared/ecg/formats (MANIFEST.tsv there), e.g. "scp-ecg/…SCP". Missing files fail the test:
    /// the readers are only trusted on the devices' own bytes.
    /// </summary>
    public static string FormatsFile(string relativePath)
    {
        string path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "ecg", "formats", relativePath));
        if (!File.Exists(path))
        {
            Assert.Fail($"Real ECG file not found at {path} (expected ../shared/ecg/formats relative to {RepositoryRoot}).");
        }

        return path;
    }

    /// <summary>A file of the shared DICOM corpus (../shared/dicom).</summary>
    public static string DicomFile(string relativePath)
    {
        string path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "dicom", relativePath));
        if (!File.Exists(path))
        {
            Assert.Fail($"DICOM file not found at {path}.");
        }

        return path;
    }

    /// <summary>The 48 MIT-BIH record names.</summary>
    public static IReadOnlyList<string> MitdbRecords { get; } =
    [
        "100", "101", "102", "103", "104", "105", "106", "107", "108", "109",
        "111", "112", "113", "114", "115", "116", "117", "118", "119", "121",
        "122", "123", "124", "200", "201", "202", "203", "205", "207", "208",
        "209", "210", "212", "213", "214", "215", "217", "219", "220", "221",
        "222", "223", "228", "230", "231", "232", "233", "234",
    ];

    public static string Fixture(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        if (!File.Exists(path))
        {
            Assert.Fail($"Fixture {name} not found at {path}; it should be copied from tests/Ecg.Tests/Fixtures.");
        }

        return path;
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
