namespace Telemed.ConsultHub.Live.Ecg;

/// <summary>
/// A batch of a live ECG shown in a consult session (client event "EcgSamples"): <see cref="Samples"/> per lead in µV,
/// all leads of equal length, starting at sample <see cref="FirstSample"/> of the stream; <see cref="Sequence"/> counts
/// the stream's batches from 1, so a viewer keeps only batches above the last it has. <see cref="Beats"/> are the beats
/// the streaming analysis confirmed since the previous batch (their samples lie a little behind the batch, as the
/// detector confirms a complex about 0.25 s late); <see cref="HeartRate"/> is its current rate in beats per minute.
/// </summary>
public sealed record EcgLiveBatch(
    Guid CaseId,
    string StreamId,
    long Sequence,
    int SamplingRate,
    IReadOnlyList<string> Leads,
    long FirstSample,
#pragma warning disable CA1819 // the wire contract is int[][]: one array per lead, written and read without copies
    int[][] Samples,
#pragma warning restore CA1819
    IReadOnlyList<EcgLiveBeat> Beats,
    double? HeartRate);
