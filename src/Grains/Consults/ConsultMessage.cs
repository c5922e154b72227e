namespace Telemed.Grains.Consults;

/// <summary>A chat message of a consult session; <see cref="Sequence"/> (1, 2, 3, … per session) is its place in the history.</summary>
[GenerateSerializer, Immutable]
public sealed record ConsultMessage(Guid CaseId, long Sequence, string SenderId, DateTimeOffset SentAt, string Text);
