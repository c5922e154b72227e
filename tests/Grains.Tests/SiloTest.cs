using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Telemed.Grains.Tests;

/// <summary>A test class with its own silo, catalog file and fake clock.</summary>
public abstract class SiloTest : IAsyncLifetime
{
    private readonly TestFolder folder = new();

    private protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    private protected GrainCluster Cluster { get; set; } = null!;

    private protected IGrainFactory Grains => Cluster.Grains;

    private protected string DatabasePath => folder.DatabasePath;

    private protected string BlobsPath => folder.BlobsPath;

    public virtual async Task InitializeAsync() => Cluster = await GrainCluster.StartAsync(folder.DatabasePath, Time);

    public virtual async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        folder.Delete();
    }
}
