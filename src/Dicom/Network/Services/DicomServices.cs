namespace Telemed.Dicom.Network;

/// <summary>
/// What a <see cref="DicomServer"/> serves besides C-ECHO. A SOP class is negotiated only when its handler is here:
/// Modality Worklist FIND (plus <see cref="DicomServerOptions.FindSopClasses"/>) with <see cref="Find"/>, Storage
/// Commitment Push Model with <see cref="StorageCommitment"/> or <see cref="StorageCommitmentReports"/>. Storage SOP
/// classes are always accepted; without <see cref="Store"/> their C-STOREs are refused with A700.
/// </summary>
public sealed record DicomServices
{
    public IStoreHandler? Store { get; init; }

    public IFindHandler? Find { get; init; }

    /// <summary>This server as Storage Commitment SCP (devices ask it to commit what they sent).</summary>
    public IStorageCommitmentHandler? StorageCommitment { get; init; }

    /// <summary>This server as the listening side of a Storage Commitment SCU: reports the SCP sends back on a new association.</summary>
    public IStorageCommitmentReportHandler? StorageCommitmentReports { get; init; }

    /// <summary>Checked after the called AE title; null accepts every caller.</summary>
    public IAssociationPolicy? Policy { get; init; }
}
