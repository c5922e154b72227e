namespace Telemed.Dicom.Network;

/// <summary>The content of an A-ASSOCIATE-AC (PS3.8 §9.3.3): per-context results and the acceptor's user information.</summary>
public sealed record AssociationAcceptance
{
    public required string CallingAeTitle { get; init; }

    public required string CalledAeTitle { get; init; }

    public string ApplicationContext { get; init; } = AssociationRequest.DicomApplicationContext;

    /// <summary>One entry per proposed context, in the proposed order, with its result and accepted transfer syntax.</summary>
    public required IReadOnlyList<PresentationContext> PresentationContexts { get; init; }

    public uint MaxPduLength { get; init; } = 16384;

    public string ImplementationClassUid { get; init; } = Files.DicomFile.ImplementationClassUid;

    public string? ImplementationVersionName { get; init; } = Files.DicomFile.ImplementationVersionName;

    public (ushort Invoked, ushort Performed)? AsynchronousOperationsWindow { get; init; }

    public IReadOnlyList<RoleSelection> RoleSelections { get; init; } = [];
}
