using System.Collections.Concurrent;

namespace Telemed.Dicom.Network;

/// <summary>
/// Collects storage commitment reports arriving on associations the SCP opens back (PS3.4 §J.3.3): give it to a
/// <see cref="DicomServer"/> as <see cref="DicomServices.StorageCommitmentReports"/> and to
/// <see cref="StorageCommitmentScu.CommitAsync"/>, which waits here by Transaction UID. A report that arrives before
/// anyone waits is kept until someone does.
/// </summary>
public sealed class StorageCommitmentInbox : IStorageCommitmentReportHandler
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StorageCommitmentReport>> reports = new(StringComparer.Ordinal);

    public ValueTask ReportAsync(StorageCommitmentReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        Slot(report.TransactionUid).TrySetResult(report);
        return ValueTask.CompletedTask;
    }

    /// <summary>The report for <paramref name="transactionUid"/>, once it arrived (then forgotten here).</summary>
    public async Task<StorageCommitmentReport> WaitAsync(string transactionUid, CancellationToken cancellationToken = default)
    {
        StorageCommitmentReport report = await Slot(transactionUid).Task.WaitAsync(cancellationToken);
        reports.TryRemove(transactionUid, out _);
        return report;
    }

    private TaskCompletionSource<StorageCommitmentReport> Slot(string transactionUid) =>
        reports.GetOrAdd(transactionUid, _ => new TaskCompletionSource<StorageCommitmentReport>(TaskCreationOptions.RunContinuationsAsynchronously));
}
