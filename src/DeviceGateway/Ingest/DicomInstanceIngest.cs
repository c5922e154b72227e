using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Telemed.Dicom;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Ingest;

/// <summary>
/// Durable ingest of one DICOM data set: its bytes stream into a temporary blob behind a Part 10 header (never held
/// whole in memory), the header is parsed and checked against what the sender declared, the blob is fsynced and
/// renamed, the catalog row committed, and only then is success returned — so a device may delete its copy.
/// The same instance with the same bytes again is a success that adds nothing; with other bytes both are kept.
/// The "ingested" event is queued in the outbox in the catalog row's own transaction, so success implies the event
/// is durable; it is then handed on at once, and retried by <see cref="IngestEventDispatcher"/> if that fails.
/// </summary>
public sealed partial class DicomInstanceIngest(BlobStore blobs, InstanceCatalog catalog, IngestEventDispatcher dispatcher, ILogger<DicomInstanceIngest> logger)
{
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    public async Task<DicomIngestResult> IngestAsync(DicomIngestRequest request, PipeReader dataset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataset);
        DicomTransferSyntax syntax;
        try
        {
            syntax = DicomTransferSyntax.FromUid(request.TransferSyntaxUid);
        }
        catch (DicomException e)
        {
            await Drain(dataset, cancellationToken).ConfigureAwait(false);
            return Fail(DicomIngestResult.CannotUnderstand, $"unknown transfer syntax {request.TransferSyntaxUid}", e);
        }

        await using BlobWriter writer = blobs.CreateWriter();
        DicomFile header;
        try
        {
            using (var meta = new MemoryStream(256))
            {
                DicomFile.WriteFileMetaInformation(meta, request.SopClassUid, request.SopInstanceUid, syntax);
                await writer.WriteAsync(meta.GetBuffer().AsMemory(0, (int)meta.Length), cancellationToken).ConfigureAwait(false);
            }

            while (true)
            {
                ReadResult read = await dataset.ReadAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(read.Buffer, cancellationToken).ConfigureAwait(false);
                dataset.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            header = await ReadHeader(writer, cancellationToken).ConfigureAwait(false);
        }
        catch (DicomException e)
        {
            return Fail(DicomIngestResult.CannotUnderstand, "data set cannot be parsed", e);
        }
        catch (IOException e)
        {
            return Fail(DicomIngestResult.OutOfResources, "cannot write the data set", e);
        }

        string? mismatch = Mismatch(request, header.Dataset);
        if (mismatch is not null)
        {
            LogRefused(logger, request.SopInstanceUid, request.SourceAeTitle, mismatch);
            return new DicomIngestResult(DicomIngestResult.DataSetDoesNotMatchSopClass, mismatch, null, null);
        }

        StoredBlob blob;
        RecordedInstance recorded;
        IngestedObject? ingested = null;
        try
        {
            blob = await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
            // Built only when the bytes are new (a duplicate announces nothing), once even if the insert is retried.
            recorded = await catalog.RecordAsync(Row(request, header.Dataset, blob),
                row => dispatcher.ToPending(ingested ??= Ingested(row, header)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or Microsoft.EntityFrameworkCore.DbUpdateException or InvalidOperationException)
        {
            return Fail(DicomIngestResult.OutOfResources, "cannot store the data set", e);
        }

        if (recorded.Outcome == InstanceOutcome.Duplicate)
        {
            LogDuplicate(logger, request.SopInstanceUid, request.SourceAeTitle);
            return new DicomIngestResult(DicomIngestResult.Success, null, recorded.Outcome, recorded.Instance);
        }

        if (recorded.Outcome == InstanceOutcome.NewVersion)
        {
            LogNewVersion(logger, request.SopInstanceUid, recorded.Instance.Version, request.SourceAeTitle, blob.Hash.Hex);
        }

        if (recorded.Announcement is not null && ingested is not null)
        {
            dispatcher.DeliverSoon(recorded.Announcement, ingested);
        }

        return new DicomIngestResult(DicomIngestResult.Success, null, recorded.Outcome, recorded.Instance);
    }

    private static async Task<DicomFile> ReadHeader(BlobWriter writer, CancellationToken cancellationToken)
    {
        // Everything up to the pixel data: the routing fields, and an ECG's waveform (group 5400 comes before 7FE0).
        // Only the header prefix is read back: a 15 MB image costs a few kilobytes here.
        await using FileStream written = writer.OpenWritten();
        return await DicomFile.ReadAsync(written, HeaderOnly, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PS3.4 B.2.3: the data set must be the instance the command announced (A900 otherwise).</summary>
    private static string? Mismatch(DicomIngestRequest request, DicomDataset dataset)
    {
        string? sopClass = Uid(dataset, "SOPClassUID");
        string? sopInstance = Uid(dataset, "SOPInstanceUID");
        if (sopClass != request.SopClassUid)
        {
            return $"SOP Class UID in data set is {sopClass ?? "missing"}";
        }

        if (sopInstance != request.SopInstanceUid)
        {
            return $"SOP Instance UID in data set is {sopInstance ?? "missing"}";
        }

        return Uid(dataset, "StudyInstanceUID") is null || Uid(dataset, "SeriesInstanceUID") is null
            ? "Study or Series Instance UID missing"
            : null;
    }

    private static string? Uid(DicomDataset dataset, string keyword) =>
        dataset.TryGetElement(DicomDictionary.GetTag(keyword), out DicomElement? e) && e.Length > 0 ? e.GetUid() : null;

    private static string? Text(DicomDataset dataset, string keyword)
    {
        try
        {
            string? value = dataset.GetStringOrNull(DicomDictionary.GetTag(keyword))?.Trim();
            return string.IsNullOrEmpty(value) ? null : value;
        }
        catch (DicomException)
        {
            return null; // an undecodable optional field does not make the object unacceptable
        }
    }

    private static StoredInstance Row(DicomIngestRequest request, DicomDataset dataset, StoredBlob blob) => new()
    {
        SopInstanceUid = request.SopInstanceUid,
        SopClassUid = request.SopClassUid,
        StudyInstanceUid = Uid(dataset, "StudyInstanceUID")!,
        SeriesInstanceUid = Uid(dataset, "SeriesInstanceUID")!,
        TransferSyntaxUid = request.TransferSyntaxUid,
        PatientId = Clip(Text(dataset, "PatientID"), 64),
        PatientName = Clip(Text(dataset, "PatientName"), 324),
        Modality = Clip(Text(dataset, "Modality"), 16),
        AccessionNumber = Clip(Text(dataset, "AccessionNumber"), 16),
        StudyDate = Clip(Text(dataset, "StudyDate"), 8),
        BlobHash = blob.Hash.Hex,
        Length = blob.Length,
        ReceivedAtUtc = DateTime.UtcNow,
        SourceAeTitle = request.SourceAeTitle,
        SourceAddress = request.SourceAddress,
        DeviceId = request.DeviceId,
        InstitutionId = request.InstitutionId,
        // The attributes DICOMweb QIDO matches on and returns (PS3.18 §10.6.3), so a search never opens a file.
        PatientNameKey = PersonNameSearchKey.From(Text(dataset, "PatientName")),
        PatientBirthDate = Clip(Text(dataset, "PatientBirthDate"), 8),
        PatientSex = Clip(Text(dataset, "PatientSex"), 16),
        StudyTime = Clip(Text(dataset, "StudyTime"), 16),
        StudyId = Clip(Text(dataset, "StudyID"), 16),
        StudyDescription = Clip(Text(dataset, "StudyDescription"), 64),
        ReferringPhysicianName = Clip(Text(dataset, "ReferringPhysicianName"), 324),
        SeriesNumber = Integer(dataset, "SeriesNumber"),
        SeriesDescription = Clip(Text(dataset, "SeriesDescription"), 64),
        InstanceNumber = Integer(dataset, "InstanceNumber"),
        Rows = Integer(dataset, "Rows"),
        Columns = Integer(dataset, "Columns"),
        BitsAllocated = Integer(dataset, "BitsAllocated"),
        NumberOfFrames = Integer(dataset, "NumberOfFrames") ?? (dataset.Contains(DicomDictionary.GetTag("Rows")) ? 1 : null),
    };

    /// <summary>An IS or US value as a number; null when absent or not a number (an optional field never refuses an object).</summary>
    private static int? Integer(DicomDataset dataset, string keyword)
    {
        if (!dataset.TryGetElement(DicomDictionary.GetTag(keyword), out DicomElement? e) || e.Length == 0)
        {
            return null;
        }

        try
        {
            return e.GetInt32();
        }
        catch (Exception ex) when (ex is DicomException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static string? Clip(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    private IngestedObject Ingested(StoredInstance instance, DicomFile header) => new()
    {
        Kind = IngestedKind.DicomInstance,
        BlobHash = instance.BlobHash,
        ReceivedAtUtc = instance.ReceivedAtUtc,
        PatientId = instance.PatientId,
        PatientName = instance.PatientName,
        StudyInstanceUid = instance.StudyInstanceUid,
        SeriesInstanceUid = instance.SeriesInstanceUid,
        SopInstanceUid = instance.SopInstanceUid,
        SopClassUid = instance.SopClassUid,
        Modality = instance.Modality,
        InstitutionId = instance.InstitutionId,
        DeviceId = instance.DeviceId,
        EcgFlags = EcgFlags(header, instance.SopInstanceUid),
    };

    /// <summary>An ECG's urgency flags (STEMI, VT, pause…) travel with the event so a Stat case can open at once.</summary>
    private List<string> EcgFlags(DicomFile header, string sopInstanceUid)
    {
        if (!EcgWaveformReader.IsEcg(header.Dataset))
        {
            return [];
        }

        try
        {
            var recording = EcgWaveformReader.Read(header, sopInstanceUid);
            EcgAnalysis analysis = EcgAnalyzer.Analyze(recording, EcgPatientContext.FromDataset(header.Dataset));
            return analysis.Flags.Select(f => f.Kind.ToString()).Distinct().ToList();
        }
        catch (Exception e) when (e is DicomException or ArgumentException or InvalidOperationException)
        {
            // The object is stored either way; a reader will see the waveform could not be analysed.
            LogAnalysisFailed(logger, sopInstanceUid, e.Message);
            return ["AnalysisFailed"];
        }
    }

    private DicomIngestResult Fail(ushort status, string comment, Exception e)
    {
        LogFailed(logger, status, comment, e.Message);
        string text = $"{comment}: {e.Message}";
        // PS3.7 C.4.2.1.4: Error Comment is LO, at most 64 characters.
        return new DicomIngestResult(status, text.Length <= 64 ? text : text[..64], null, null);
    }

    private static async Task Drain(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused {SopInstanceUid} from {Ae}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string sopInstanceUid, string? ae, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{SopInstanceUid} from {Ae} was already stored with the same bytes")]
    private static partial void LogDuplicate(ILogger logger, string sopInstanceUid, string? ae);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{SopInstanceUid} arrived again from {Ae} with different bytes: kept as version {Version} (blob {BlobHash}) beside the earlier ones")]
    private static partial void LogNewVersion(ILogger logger, string sopInstanceUid, int version, string? ae, string blobHash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ingest failed with status {Status:X4}: {Comment}: {Detail}")]
    private static partial void LogFailed(ILogger logger, ushort status, string comment, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECG {SopInstanceUid} stored but not analysed: {Detail}")]
    private static partial void LogAnalysisFailed(ILogger logger, string sopInstanceUid, string detail);
}
