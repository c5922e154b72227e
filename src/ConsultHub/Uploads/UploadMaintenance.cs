namespace Telemed.ConsultHub.Uploads;

/// <summary>
/// At start, finishes what a stopped hub left half done (uploads still Processing are processed again); then, every
/// <see cref="UploadOptions.CleanupPeriod"/>, deletes uploads idle past their expiry, partial or finished.
/// </summary>
public sealed partial class UploadMaintenance(UploadStore store, UploadProcessor processor, TimeProvider time, ILogger<UploadMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (Upload upload in store.All.Where(u => u.State == UploadState.Processing).ToList())
        {
            _ = processor.ProcessAsync(upload);
        }

        using var timer = new PeriodicTimer(store.Options.CleanupPeriod, time);
        try
        {
            do
            {
                int removed = store.RemoveExpired(time.GetUtcNow());
                if (removed > 0)
                {
                    LogExpired(logger, removed);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} expired upload(s) deleted")]
    private static partial void LogExpired(ILogger logger, int count);
}
