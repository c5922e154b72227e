namespace Telemed.Dicom.Network;

/// <summary>Limits and timers of one association (PS3.8 §9.1.5 ARTIM and §D.1 maximum length), for either role.</summary>
public sealed record DicomAssociationOptions
{
    public static DicomAssociationOptions Default { get; } = new();

    /// <summary>Maximum Length Received this side announces (PS3.8 §D.1): the largest P-DATA-TF body it accepts.</summary>
    public uint MaxPduLength { get; init; } = 16384;

    /// <summary>Bytes above <see cref="MaxPduLength"/> tolerated from peers that count PDU headers in the limit.</summary>
    public uint PduLengthSlack { get; init; } = 64;

    /// <summary>Hard cap on A-ASSOCIATE-RQ/AC bodies: 128 contexts with several transfer syntaxes stay far below it.</summary>
    public uint MaxAssociationPduLength { get; init; } = 256 * 1024;

    /// <summary>Largest DIMSE command set accepted; command sets are a few hundred bytes.</summary>
    public int MaxCommandLength { get; init; } = 64 * 1024;

    /// <summary>Largest P-DATA-TF this side sends, even when the peer announces more or no limit.</summary>
    public uint MaxSendPduLength { get; init; } = 64 * 1024;

    /// <summary>
    /// ARTIM (PS3.8 §9.1.5): the whole A-ASSOCIATE-RQ must arrive within it after the connection opens, and the
    /// AC/RJ or A-RELEASE-RP within it after a request is sent, however slowly the bytes trickle in.
    /// </summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an established association may wait for the next PDU to begin.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Network time allowed for the rest of a PDU once its header arrived (time spent in handlers is not counted).</summary>
    public TimeSpan PduTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
