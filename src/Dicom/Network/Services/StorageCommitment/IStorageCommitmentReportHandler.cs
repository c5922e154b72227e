namespace Telemed.Dicom.Network;

/// <summary>
/// Storage Commitment Push Model SCU's receiving side (PS3.4 §J.3.3): reports that arrive on associations the SCP
/// opens back to a <see cref="DicomServer"/>. The N-EVENT-REPORT-RSP is sent after this returns; an exception
/// becomes status 0110 Processing Failure, so the SCP knows the report was not taken.
/// </summary>
public interface IStorageCommitmentReportHandler
{
    ValueTask ReportAsync(StorageCommitmentReport report, CancellationToken cancellationToken);
}
