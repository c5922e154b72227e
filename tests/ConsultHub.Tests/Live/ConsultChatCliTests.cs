extern alias cli;

using System.Threading.Channels;
using cli::Telemed.Cli.Hub;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Telemed.ConsultHub.Tests.Api;
using Telemed.Grains.Consults;
using Xunit;

namespace Telemed.ConsultHub.Tests.Live;

/// <summary><c>telemed consult chat</c> against the real hub: history first, then live lines, and typed lines sent.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConsultChatCliTests(ApiHost host)
{
    [Fact]
    public async Task The_terminal_chat_prints_history_then_live_lines_and_sends_what_is_typed()
    {
        (WorkflowCommunity wf, Guid id) = await ConsultSessionHubTests.AssignedCaseAsync(host);
        await using LiveClient reader = await LiveClient.ConnectAsync(host, "/hubs/consult", wf.TokenOf(wf.Cardiologist),
            ("Message", typeof(ConsultMessage)), ("Receipt", typeof(ConsultReceipt)));
        await reader.Connection.InvokeAsync<object>("Join", id, 0L);
        await reader.Connection.InvokeAsync<ConsultMessage>("Send", id, "ST 抬高 in V2–V4");

        var typed = new TypedLines();
        using var screen = new StringWriter();
        TextWriter stdout = TextWriter.Synchronized(screen);
        // Long polling through the test server's handler: the chat's own bearer-token handling is what signs in.
        await using var chat = new ConsultChat("http://localhost", wf.TokenOf(wf.TownStaff), id, stdout, o =>
        {
            o.Transports = HttpTransportType.LongPolling;
            o.HttpMessageHandlerFactory = _ => host.Server.CreateHandler();
        });
        Task<int> running = chat.RunAsync(typed, CancellationToken.None);

        await LiveClient.EventuallyAsync(() => Task.FromResult(screen.ToString().Contains($"#1 {wf.Cardiologist}: ST 抬高 in V2–V4", StringComparison.Ordinal)),
            "the history printed: " + screen);
        await reader.Connection.InvokeAsync<ConsultMessage>("Send", id, "please send the troponin");
        await LiveClient.EventuallyAsync(() => Task.FromResult(screen.ToString().Contains($"#2 {wf.Cardiologist}: please send the troponin", StringComparison.Ordinal)),
            "the live line printed: " + screen);

        typed.Type("troponin I 2.1 ng/mL");
        ConsultMessage sent = await reader.WaitForAsync<ConsultMessage>("Message", m => m.SenderId == wf.TownStaff);
        Assert.Equal(("troponin I 2.1 ng/mL", 3L), (sent.Text, sent.Sequence));
        await reader.WaitForAsync<ConsultReceipt>("Receipt", r => r.UserId == wf.TownStaff && r.ReadThrough >= 2);

        typed.Type("/quit");
        Assert.Equal(0, await running.WaitAsync(LiveClient.Timeout));
        Assert.Equal(1, CountOf(screen.ToString(), ": ST 抬高 in V2–V4"));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;

    /// <summary>A keyboard: lines typed by the test, read by the chat as its standard input.</summary>
    private sealed class TypedLines : TextReader
    {
        private readonly Channel<string> lines = Channel.CreateUnbounded<string>();

        public void Type(string line) => lines.Writer.TryWrite(line);

        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) =>
            await lines.Reader.WaitToReadAsync(cancellationToken) && lines.Reader.TryRead(out string? line) ? line : null;
    }
}
