using System.Diagnostics;
using System.Globalization;
using System.Text;
using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Xunit;

namespace Telemed.ConsultHub.Tests;

/// <summary>
/// The README's "Try it as a township device would" DCMTK lines, run as written (only the port changed) against the
/// demo hub in its own process: echo, store, worklist; then storage commitment for what was stored.
/// </summary>
public sealed class DemoHubTests : IDisposable
{
    private readonly string data = Directory.CreateTempSubdirectory("telemed-demo-hub-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task The_readme_dcmtk_lines_work_against_the_demo_hub_and_the_stored_sample_is_committed()
    {
        await using HubProcess hub = await HubProcess.StartAsync(data);

        (int echoExit, string echo) = await RunReadmeLineAsync("echoscu ", hub.DicomPort);
        (int storeExit, string store) = await RunReadmeLineAsync("storescu ", hub.DicomPort);
        (int findExit, string find) = await RunReadmeLineAsync("findscu ", hub.DicomPort);

        Assert.True(echoExit == 0, echo);
        Assert.True(storeExit == 0, store);
        Assert.True(findExit == 0, find);
        // DemoSeed's worklist (synthetic names), in scheduled order; within a response findscu prints in tag order.
        string[] expected = ["A20260001", "Wang^Wu=王^五", "[CR]", "A20260002", "Zhao^Liu=赵^六", "[DX]", "A20260003", "Li^Si=李^四", "[ECG"];
        int at = 0;
        foreach (string part in expected)
        {
            int found = find.IndexOf(part, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"'{part}' not found in order in:\n{find}");
            at = found + part.Length;
        }

        DicomFile sample = DicomFile.Open(Path.Combine(Repository, "samples", "dicom", "cr-chest-pa-gb18030.dcm"));
        var stored = new SopReference(
            sample.Dataset.GetUid(Telemed.Dicom.Dictionary.DicomDictionary.GetTag("SOPClassUID")),
            sample.Dataset.GetUid(Telemed.Dicom.Dictionary.DicomDictionary.GetTag("SOPInstanceUID")));
        var neverSent = new SopReference(stored.SopClassUid, "2.25.99887766554433221100");
        StorageCommitmentResult committed = await new StorageCommitmentScu("STORESCU", "TELEMED")
            .CommitAsync("127.0.0.1", hub.DicomPort, "2.25.424242", [stored, neverSent]);
        Assert.Equal([stored], committed.Committed);
        Assert.Equal([(neverSent, (ushort)0x0112)], committed.Failed);
    }

    private static string Repository
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Telemed.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"no Telemed.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The README line starting with <paramref name="prefix"/>, split as a shell would, run from the repository root.</summary>
    private static async Task<(int ExitCode, string Output)> RunReadmeLineAsync(string prefix, int port)
    {
        string line = File.ReadAllLines(Path.Combine(Repository, "README.md")).Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        List<string> words = ShellWords(line);
        Assert.Contains("11112", words);
        words[words.LastIndexOf("11112")] = port.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(words[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string word in words.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{words[0]} did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, $"{line}\n{await stdout}{await stderr}");
    }

    /// <summary>Words of a command line with double-quoted parts, enough for the README's examples.</summary>
    private static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    words.Add(word.ToString());
                }

                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        if (any)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
