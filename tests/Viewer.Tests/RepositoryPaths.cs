namespace Telemed.Viewer.Tests;

/// <summary>The checkout the tests run from: samples/ and the hub's build output are found from here.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Telemed.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Telemed.sln not found above the test binaries");
    }
}
