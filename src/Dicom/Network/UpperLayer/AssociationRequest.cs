namespace Telemed.Dicom.Network;

/// <summary>
/// The content of an A-ASSOCIATE-RQ (PS3.8 §9.3.2) and, from <see cref="AssociationAcceptance"/>, of its answer:
/// AE titles, presentation contexts and the user information sub-items (PS3.7 Annex D.3.3).
/// </summary>
public sealed record AssociationRequest
{
    /// <summary>PS3.7 Annex A.2.1: the only application context name DICOM defines.</summary>
    public const string DicomApplicationContext = "1.2.840.10008.3.1.1.1";

    public required string CallingAeTitle { get; init; }

    public required string CalledAeTitle { get; init; }

    public string ApplicationContext { get; init; } = DicomApplicationContext;

    public required IReadOnlyList<PresentationContext> PresentationContexts { get; init; }

    /// <summary>Maximum Length Received (PS3.8 §D.1): the largest P-DATA-TF variable field the requestor accepts; 0 means no limit.</summary>
    public uint MaxPduLength { get; init; } = 16384;

    public string ImplementationClassUid { get; init; } = Files.DicomFile.ImplementationClassUid;

    public string? ImplementationVersionName { get; init; } = Files.DicomFile.ImplementationVersionName;

    /// <summary>Asynchronous Operations Window (PS3.7 §D.3.3.3); null when the sub-item is absent (both 1).</summary>
    public (ushort Invoked, ushort Performed)? AsynchronousOperationsWindow { get; init; }

    public IReadOnlyList<RoleSelection> RoleSelections { get; init; } = [];

    /// <summary>The remote address the request came from, when received over a socket; never sent.</summary>
    public System.Net.EndPoint? RemoteEndPoint { get; init; }
}
