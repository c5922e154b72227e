namespace Telemed.ConsultHub.Live.Calls;

/// <summary>
/// A WebRTC signalling message relayed between two participants of a consult session (pushed as "Signal"). The hub
/// reads nothing in <see cref="Payload"/> (an SDP, or an ICE candidate as JSON); it only checks who talks to whom.
/// </summary>
/// <param name="Kind">offer, answer, ice-candidate, renegotiate, hang-up.</param>
public sealed record CallSignal(Guid CaseId, string FromUserId, string ToUserId, string Kind, string Payload);
