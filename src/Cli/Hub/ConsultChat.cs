using System.Globalization;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace Telemed.Cli.Hub;

/// <summary>
/// <c>telemed consult chat &lt;case&gt;</c>: a terminal chat in a case's consult session. Prints the history, then
/// live lines; every typed line is sent ("/quit" or end of input leaves). The connection reconnects by itself and
/// joins again with the last sequence printed, so a dropped link shows what was missed, once, in order.
/// </summary>
internal sealed class ConsultChat : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly Guid caseId;
    private readonly TextWriter stdout;
    private readonly SemaphoreSlim printing = new(1, 1);
    private long lastPrinted;

    public ConsultChat(string hub, string token, Guid caseId, TextWriter stdout, Action<HttpConnectionOptions>? configure = null)
    {
        this.caseId = caseId;
        this.stdout = stdout;
        connection = new HubConnectionBuilder()
            .WithUrl(new Uri(new Uri(hub.TrimEnd('/') + "/"), "hubs/consult"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                configure?.Invoke(o);
            })
            .WithAutomaticReconnect()
            .Build();
        connection.On<ChatMessage>("Message", m => PrintAsync([m]));
        connection.On<ChatPresence>("Presence", p => WriteAsync($"* {p.UserId} {p.Change} (present: {string.Join(", ", p.Present)})"));
        connection.On<ChatTyping>("Typing", t => t.Typing ? WriteAsync($"* {t.UserId} is typing…") : Task.CompletedTask);
        connection.Reconnected += async _ =>
        {
            await WriteAsync("* reconnected");
            await JoinAsync();
        };
    }

    public async Task<int> RunAsync(TextReader stdin, CancellationToken cancellationToken)
    {
        await connection.StartAsync(cancellationToken).ConfigureAwait(false);
        await JoinAsync().ConfigureAwait(false);
        while (await stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Trim() == "/quit")
            {
                break;
            }

            if (line.Trim().Length > 0)
            {
                await connection.InvokeAsync<ChatMessage>("Send", caseId, line, cancellationToken).ConfigureAwait(false);
            }
        }

        await connection.InvokeAsync("Leave", caseId, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync().ConfigureAwait(false);
        printing.Dispose();
    }

    private async Task JoinAsync()
    {
        ChatJoined joined = await connection.InvokeAsync<ChatJoined>("Join", caseId, lastPrinted).ConfigureAwait(false);
        await WriteAsync($"* consult on case {caseId}; present: {string.Join(", ", joined.Present)}").ConfigureAwait(false);
        await PrintAsync(joined.Messages).ConfigureAwait(false);
    }

    /// <summary>Prints messages after the last printed one, in order; a gap (a push overtaking another) is filled from the history.</summary>
    private async Task PrintAsync(IReadOnlyList<ChatMessage> messages)
    {
        await printing.WaitAsync().ConfigureAwait(false);
        try
        {
            List<ChatMessage> next = [.. messages.Where(m => m.Sequence > lastPrinted).OrderBy(m => m.Sequence)];
            if (next.Count > 0 && next[0].Sequence > lastPrinted + 1)
            {
                next = [.. await connection.InvokeAsync<List<ChatMessage>>("History", caseId, lastPrinted).ConfigureAwait(false)];
            }

            foreach (ChatMessage m in next.Where(m => m.Sequence > lastPrinted))
            {
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[{m.SentAt.ToLocalTime():HH:mm:ss}] #{m.Sequence} {m.SenderId}: {m.Text}")).ConfigureAwait(false);
                lastPrinted = m.Sequence;
            }

            if (next.Count > 0)
            {
                // The read receipt needs no answer: sent, not invoked, from inside a message handler.
                await connection.SendAsync("Read", caseId, lastPrinted).ConfigureAwait(false);
            }
        }
        finally
        {
            printing.Release();
        }
    }

    private async Task WriteAsync(string line)
    {
        await printing.WaitAsync().ConfigureAwait(false);
        try
        {
            await stdout.WriteLineAsync(line).ConfigureAwait(false);
        }
        finally
        {
            printing.Release();
        }
    }

    private sealed record ChatMessage(Guid CaseId, long Sequence, string SenderId, DateTimeOffset SentAt, string Text);

    private sealed record ChatJoined(Guid CaseId, List<string> Present, List<ChatMessage> Messages, bool HasMore);

    private sealed record ChatPresence(Guid CaseId, List<string> Present, string UserId, string Change);

    private sealed record ChatTyping(Guid CaseId, string UserId, bool Typing);
}
