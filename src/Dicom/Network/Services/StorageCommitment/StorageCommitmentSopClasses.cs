namespace Telemed.Dicom.Network;

/// <summary>Storage Commitment Push Model UIDs and type IDs (PS3.4 §J.3, §J.4).</summary>
public static class StorageCommitmentSopClasses
{
    /// <summary>Storage Commitment Push Model SOP Class.</summary>
    public const string PushModel = "1.2.840.10008.1.20.1";

    /// <summary>Its well-known SOP Instance, the one N-ACTION and N-EVENT-REPORT address (PS3.4 §J.3.5).</summary>
    public const string PushModelInstance = "1.2.840.10008.1.20.1.1";

    /// <summary>N-ACTION Action Type ID: Request Storage Commitment (PS3.4 Table J.3-1).</summary>
    public const ushort RequestAction = 1;

    /// <summary>N-EVENT-REPORT Event Type ID: all instances committed (PS3.4 Table J.3-2).</summary>
    public const ushort AllCommittedEvent = 1;

    /// <summary>N-EVENT-REPORT Event Type ID: some instances failed.</summary>
    public const ushort SomeFailedEvent = 2;
}
