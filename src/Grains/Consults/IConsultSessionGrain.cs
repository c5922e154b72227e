namespace Telemed.Grains.Consults;

/// <summary>
/// The consult session of one case (keyed by the case id): who is invited, who is present, and the chat. The grain
/// assigns message sequence numbers one call at a time, so they are gapless and race-free, and writes each message
/// through <see cref="IConsultMessageStore"/> before anyone sees it. Authorization is the host's: the grain trusts
/// the user ids it is given.
/// </summary>
public interface IConsultSessionGrain : IGrainWithGuidKey
{
    /// <summary>Invites a user; idempotent.</summary>
    Task InviteAsync(string userId, string invitedBy);

    Task<bool> IsInvitedAsync(string userId);

    /// <summary>Marks a connection of the user present and returns who is present (user ids, sorted).</summary>
    Task<IReadOnlyList<string>> JoinAsync(string userId, string connectionId);

    /// <summary>Forgets a connection; the user stays present while they have another. Returns who is present.</summary>
    Task<IReadOnlyList<string>> LeaveAsync(string userId, string connectionId);

    /// <summary>Who is present (user ids, sorted).</summary>
    Task<IReadOnlyList<string>> PresentAsync();

    /// <summary>Stores the message under the next sequence number and returns it.</summary>
    Task<ConsultMessage> PostAsync(string senderId, string text);

    Task<IReadOnlyList<ConsultMessage>> HistoryAsync(long afterSequence, int limit);

    /// <summary>
    /// Moves the user's receipt forward (never back; reading implies delivery; never past the last message) and
    /// returns it.
    /// </summary>
    Task<ConsultReceipt> AcknowledgeAsync(string userId, long deliveredThrough, long readThrough);

    Task<IReadOnlyList<ConsultReceipt>> ReceiptsAsync();
}
