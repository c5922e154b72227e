using Telemed.DeviceGateway.Ingest;
using Telemed.Grains.Ingest;

namespace Telemed.ConsultHub.Ingest;

/// <summary>
/// Hands every ingested object to its study's grain, which opens or joins the case. It lives in the host, which
/// composes the gateway and the grains, so neither knows the other. An object without an institution cannot be
/// routed and is refused here (<see cref="ArgumentException"/>) after it is already durable: the gateway's outbox
/// parks its event with the error. Redeliveries are harmless: the study grain recognises an object it has.
/// </summary>
public sealed class GrainIngestSink(IGrainFactory grains) : IIngestSink
{
    public async ValueTask PublishAsync(IngestedObject ingested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ingested);
        IngestedItem item = ToItem(ingested);
        await grains.GetGrain<IStudyGrain>(item.StudyKey).IngestAsync(item).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public static IngestedItem ToItem(IngestedObject ingested)
    {
        ArgumentNullException.ThrowIfNull(ingested);
        string institution = ingested.InstitutionId
            ?? throw new ArgumentException($"ingested {ingested.SopInstanceUid ?? ingested.BlobHash} has no institution: no community to route it in", nameof(ingested));
        return new IngestedItem(
            ingested.BlobHash,
            new DateTimeOffset(DateTime.SpecifyKind(ingested.ReceivedAtUtc, DateTimeKind.Utc)),
            institution,
            ingested.Kind == IngestedKind.EcgRecording || ingested.Modality == "ECG",
            ingested.Modality,
            ingested.PatientId,
            ingested.StudyInstanceUid,
            ingested.SopInstanceUid,
            ingested.DeviceId,
            [.. ingested.EcgFlags]);
    }
}
