namespace Telemed.Dicom.Network;

/// <summary>
/// One presentation context (PS3.8 §7.1.1.13): an odd ID 1..255, the abstract syntax (SOP class) and the transfer
/// syntaxes proposed for it; after negotiation, the result and the one transfer syntax the acceptor chose.
/// </summary>
public sealed record PresentationContext(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes)
{
    public PresentationContextResult Result { get; init; } = PresentationContextResult.NoReason;

    /// <summary>The transfer syntax both sides use on this context; null unless accepted.</summary>
    public string? AcceptedTransferSyntax { get; init; }

    public bool IsAccepted => Result == PresentationContextResult.Acceptance && AcceptedTransferSyntax is not null;
}
