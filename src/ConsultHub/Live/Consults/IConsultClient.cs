using Telemed.ConsultHub.Live.Calls;
using Telemed.ConsultHub.Live.Ecg;
using Telemed.Grains.Consults;

namespace Telemed.ConsultHub.Live.Consults;

/// <summary>What <see cref="ConsultSessionHub"/> pushes; the method names are the client's event names.</summary>
public interface IConsultClient
{
    /// <summary>A new chat message, to everyone in the session (the sender's other connections too).</summary>
    Task Message(ConsultMessage message);

    /// <summary>A participant's delivery/read receipt moved forward.</summary>
    Task Receipt(ConsultReceipt receipt);

    Task Presence(ConsultPresence presence);

    Task Typing(ConsultTyping typing);

    /// <summary>To the invited user's connections (on either hub node): they may now join.</summary>
    Task Invited(ConsultInvitation invitation);

    /// <summary>WebRTC signalling from another participant, addressed to this user.</summary>
    Task Signal(CallSignal signal);

    /// <summary>A batch of a live ECG of a case this connection watches (WatchEcg), from a device or a browser.</summary>
    Task EcgSamples(EcgLiveBatch batch);
}
