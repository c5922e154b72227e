using Microsoft.Extensions.Logging;

namespace Telemed.DeviceGateway.Ingest;

/// <summary>Writes each ingested object to the log; the stand-in until the case workflow consumes them.</summary>
public sealed partial class LoggingIngestSink(ILogger<LoggingIngestSink> logger) : IIngestSink
{
    public ValueTask PublishAsync(IngestedObject ingested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ingested);
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return ValueTask.CompletedTask;
        }

        string flags = string.Join(',', ingested.EcgFlags);
        LogIngested(logger, ingested.Kind, ingested.Modality, ingested.SopInstanceUid, ingested.PatientId, ingested.DeviceId,
            ingested.InstitutionId, flags, ingested.BlobHash);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "ingested {Kind} {Modality} {SopInstanceUid} patient {PatientId} from device {DeviceId} ({InstitutionId}) flags [{Flags}] blob {BlobHash}")]
    private static partial void LogIngested(ILogger logger, IngestedKind kind, string? modality, string? sopInstanceUid,
        string? patientId, string? deviceId, string? institutionId, string flags, string blobHash);
}
