using Telemed.Grains.Hosting;

namespace Telemed.Grains.Consults;

internal sealed class ConsultSessionGrain(
    [PersistentState("consult", TelemedGrains.StorageName)] IPersistentState<ConsultSessionGrain.State> state,
    IConsultMessageStore store,
    WorkflowClock time) : Grain, IConsultSessionGrain
{
    /// <summary>Longer than any clinical chat line; the column is sized to it.</summary>
    public const int MaxTextLength = 4000;

    /// <summary>Presence lives in memory: it describes open connections, which end with the process that holds them.</summary>
    private readonly Dictionary<string, HashSet<string>> present = new(StringComparer.Ordinal);

    private long lastSequence;

    private Guid CaseId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        lastSequence = await store.LastSequenceAsync(CaseId, cancellationToken);
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task InviteAsync(string userId, string invitedBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if (state.State.Invited.Contains(userId))
        {
            return;
        }

        state.State.Invited.Add(userId);
        await state.WriteStateAsync();
    }

    public Task<bool> IsInvitedAsync(string userId) => Task.FromResult(state.State.Invited.Contains(userId));

    public Task<IReadOnlyList<string>> JoinAsync(string userId, string connectionId)
    {
        if (!present.TryGetValue(userId, out HashSet<string>? connections))
        {
            present[userId] = connections = new HashSet<string>(StringComparer.Ordinal);
        }

        connections.Add(connectionId);
        return Task.FromResult(Present());
    }

    public Task<IReadOnlyList<string>> LeaveAsync(string userId, string connectionId)
    {
        if (present.TryGetValue(userId, out HashSet<string>? connections) && connections.Remove(connectionId) && connections.Count == 0)
        {
            present.Remove(userId);
        }

        return Task.FromResult(Present());
    }

    public Task<IReadOnlyList<string>> PresentAsync() => Task.FromResult(Present());

    public async Task<ConsultMessage> PostAsync(string senderId, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(senderId);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("a message needs text", nameof(text));
        }

        if (text.Length > MaxTextLength)
        {
            throw new ArgumentException($"a message holds at most {MaxTextLength} characters, not {text.Length}", nameof(text));
        }

        // Whole milliseconds: what the store keeps, so a message reads back exactly as it was pushed.
        DateTimeOffset now = DateTimeOffset.FromUnixTimeMilliseconds(time.Now.ToUnixTimeMilliseconds());
        var message = new ConsultMessage(CaseId, lastSequence + 1, senderId, now, text);
        try
        {
            await store.AppendAsync(message);
        }
        catch
        {
            // The row may have been written before the failure surfaced: the next activation reads the store again
            // rather than reuse or skip a number.
            DeactivateOnIdle();
            throw;
        }

        lastSequence = message.Sequence;
        return message;
    }

    public Task<IReadOnlyList<ConsultMessage>> HistoryAsync(long afterSequence, int limit) =>
        store.ReadAsync(CaseId, Math.Max(0, afterSequence), Math.Clamp(limit, 1, 1000));

    public async Task<ConsultReceipt> AcknowledgeAsync(string userId, long deliveredThrough, long readThrough)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        IReadOnlyList<ConsultReceipt> receipts = await store.ReceiptsAsync(CaseId);
        ConsultReceipt current = receipts.FirstOrDefault(r => r.UserId == userId) ?? new ConsultReceipt(CaseId, userId, 0, 0);
        long read = Math.Max(current.ReadThrough, Math.Min(readThrough, lastSequence));
        long delivered = Math.Max(current.DeliveredThrough, Math.Min(Math.Max(deliveredThrough, read), lastSequence));
        var next = new ConsultReceipt(CaseId, userId, delivered, read);
        if (next != current)
        {
            await store.SaveReceiptAsync(next, time.Now);
        }

        return next;
    }

    public Task<IReadOnlyList<ConsultReceipt>> ReceiptsAsync() => store.ReceiptsAsync(CaseId);

    private IReadOnlyList<string> Present() => [.. present.Keys.Order(StringComparer.Ordinal)];

    internal sealed class State
    {
        public List<string> Invited { get; set; } = [];
    }
}
