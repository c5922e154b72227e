namespace Telemed.Dicom.Network;

/// <summary>
/// The Result, Source and Reason/Diag. fields of an A-ASSOCIATE-RJ PDU (PS3.8 §9.3.4, Table 9-21). The reason's
/// meaning depends on the source, so the named factories are the way to build a correct one.
/// </summary>
public sealed record AssociationRejection(byte Result, byte Source, byte Reason)
{
    /// <summary>Result 1: rejected-permanent.</summary>
    public const byte Permanent = 1;

    /// <summary>Result 2: rejected-transient.</summary>
    public const byte Transient = 2;

    /// <summary>Source 1: DICOM UL service-user.</summary>
    public const byte SourceServiceUser = 1;

    /// <summary>Source 2: DICOM UL service-provider (ACSE related function).</summary>
    public const byte SourceServiceProviderAcse = 2;

    /// <summary>Source 3: DICOM UL service-provider (Presentation related function).</summary>
    public const byte SourceServiceProviderPresentation = 3;

    public static AssociationRejection NoReasonGiven { get; } = new(Permanent, SourceServiceUser, 1);

    public static AssociationRejection ApplicationContextNotSupported { get; } = new(Permanent, SourceServiceUser, 2);

    public static AssociationRejection CallingAeTitleNotRecognized { get; } = new(Permanent, SourceServiceUser, 3);

    public static AssociationRejection CalledAeTitleNotRecognized { get; } = new(Permanent, SourceServiceUser, 7);

    public static AssociationRejection ProtocolVersionNotSupported { get; } = new(Permanent, SourceServiceProviderAcse, 2);

    /// <summary>Transient: the caller may try again later (e.g. too many associations from one AE).</summary>
    public static AssociationRejection TemporaryCongestion { get; } = new(Transient, SourceServiceProviderPresentation, 1);

    public static AssociationRejection LocalLimitExceeded { get; } = new(Transient, SourceServiceProviderPresentation, 2);

    public override string ToString()
    {
        string result = Result == Permanent ? "rejected-permanent" : Result == Transient ? "rejected-transient" : $"result {Result}";
        string reason = (Source, Reason) switch
        {
            (SourceServiceUser, 1) => "no-reason-given",
            (SourceServiceUser, 2) => "application-context-name-not-supported",
            (SourceServiceUser, 3) => "calling-AE-title-not-recognized",
            (SourceServiceUser, 7) => "called-AE-title-not-recognized",
            (SourceServiceProviderAcse, 1) => "no-reason-given",
            (SourceServiceProviderAcse, 2) => "protocol-version-not-supported",
            (SourceServiceProviderPresentation, 1) => "temporary-congestion",
            (SourceServiceProviderPresentation, 2) => "local-limit-exceeded",
            _ => $"reason {Reason}",
        };
        return $"{result}, source {Source}, {reason}";
    }
}
