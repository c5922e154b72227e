using Telemed.Ecg.Signals;
using Telemed.Ecg.Wfdb;
using Xunit;

namespace Telemed.DeviceGateway.Tests.Support;

/// <summary>The shared MIT-BIH records (../shared/ecg/mitdb beside the repository). CI has them, so absence fails.</summary>
internal static class TestData
{
    public static string MitdbDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Telemed.sln")))
                {
                    string mitdb = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "ecg", "mitdb"));
                    if (!File.Exists(Path.Combine(mitdb, "100.hea")))
                    {
                        Assert.Fail($"MIT-BIH reference data not found at {mitdb}; these tests need it.");
                    }

                    return mitdb;
                }
            }

            throw new InvalidOperationException($"No Telemed.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static EcgRecording Record(string name) => WfdbRecordReader.Read(Path.Combine(MitdbDirectory, name));
}
