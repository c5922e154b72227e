using Telemed.Grains.Consults;

namespace Telemed.ConsultHub.Live.Consults;

/// <summary>
/// The answer to Join: who is present, the messages after the sequence the client passed (all of them for 0), in
/// order, and everyone's receipts. <see cref="HasMore"/> says the history was cut at a page: call History for the rest.
/// </summary>
public sealed record ConsultJoined(
    Guid CaseId,
    IReadOnlyList<string> Present,
    IReadOnlyList<ConsultMessage> Messages,
    IReadOnlyList<ConsultReceipt> Receipts,
    bool HasMore);
