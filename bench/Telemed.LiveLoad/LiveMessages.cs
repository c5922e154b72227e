namespace Telemed.LiveLoad;

/// <summary>The hub's "Message" push (ConsultMessage), as much of it as the benchmark reads.</summary>
public sealed record ChatMessage(Guid CaseId, long Sequence, string SenderId, string Text);

/// <summary>The hub's "EcgSamples" push (EcgLiveBatch).</summary>
public sealed record EcgBatch(Guid CaseId, string StreamId, long Sequence, int SamplingRate, IReadOnlyList<string> Leads, long FirstSample,
    IReadOnlyList<int[]> Samples, IReadOnlyList<EcgBeat> Beats, double? HeartRate);

public sealed record EcgBeat(long Sample, string Label);
