using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Telemed.DeviceGateway.Hosting;
using Telemed.DeviceGateway.Ingest;
using Telemed.Dicom;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Wfdb;
using Telemed.Grains.Ingest;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Uploads;

/// <summary>
/// What happens to a complete upload: its SHA-256 is checked against the declared one, the format recognised from its
/// first bytes, and then it goes through the same durable ingest as a C-STORE (<see cref="DicomInstanceIngest"/>: blob,
/// catalog row, "ingested" event through the outbox to the study grain, which opens the case), tagged with the
/// uploader's institution. DICOM files (images, 12-lead, General ECG) are ingested as they are; SCP-ECG, HL7 aECG,
/// Philips XML and WFDB (a ZIP of .hea and .dat) are read into the signal model, written as a DICOM ECG object with
/// our analysis (<see cref="EcgDocumentConverter"/>), and ingested; the file as sent is kept as a blob beside it.
/// Processing survives a restart: an upload still marked Processing is processed again at start (ingest of the same
/// bytes is idempotent).
/// </summary>
public sealed partial class UploadProcessor(UploadStore store, GatewayService gateway, IGrainFactory grains, TimeProvider time, ILogger<UploadProcessor> logger)
{
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    private readonly ConcurrentDictionary<string, Task<Upload>> running = new(StringComparer.Ordinal);

    /// <summary>SHA-256 of the received bytes, lowercase hex.</summary>
    public async Task<string> HashAsync(Upload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        await using var data = new FileStream(store.DataPath(upload.Id), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(data, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Processes the upload (once, however many callers ask); the task ends with the stored or failed upload.</summary>
    public Task<Upload> ProcessAsync(Upload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        // Not tied to the request: a client that drops while we convert finds the result with GET later.
        return running.GetOrAdd(upload.Id, key => Task.Run(async () =>
        {
            try
            {
                return await RunAsync(upload).ConfigureAwait(false);
            }
            finally
            {
                running.TryRemove(upload.Id, out _);
            }
        }));
    }

    /// <summary>The case the study grain opened for a stored upload, looked up (and remembered) once it exists.</summary>
    public async Task<Upload> WithCaseAsync(Upload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.State != UploadState.Stored || upload.CaseId is not null || upload.StudyInstanceUid is null)
        {
            return upload;
        }

        Guid? caseId = await grains.GetGrain<IStudyGrain>(upload.StudyInstanceUid).GetCaseAsync().ConfigureAwait(false);
        return caseId is null || store.Find(upload.Id) is null ? upload : await store.SaveAsync(upload with { CaseId = caseId }).ConfigureAwait(false);
    }

    private async Task<Upload> RunAsync(Upload upload)
    {
        Upload result;
        try
        {
            result = await IngestAsync(upload).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FormatException or DicomException or ArgumentException or InvalidOperationException
            or IOException or InvalidDataException or NotSupportedException or OverflowException)
        {
            LogFailed(logger, upload.Id, upload.FileName, e.Message);
            result = upload with { State = UploadState.Failed, Reason = e.Message };
        }

        if (store.Find(upload.Id) is null)
        {
            return result; // cancelled meanwhile
        }

        if (result.State == UploadState.Stored)
        {
            store.DropData(upload.Id);
        }

        result = await store.SaveAsync(result).ConfigureAwait(false);
        if (result.State == UploadState.Stored)
        {
            // The study grain opens the case when the outbox delivers the event, normally within moments.
            for (var deadline = time.GetUtcNow().AddSeconds(10); result.CaseId is null && time.GetUtcNow() < deadline;)
            {
                result = await WithCaseAsync(result).ConfigureAwait(false);
                if (result.CaseId is null)
                {
                    await Task.Delay(100).ConfigureAwait(false);
                }
            }
        }

        return result;
    }

    private async Task<Upload> IngestAsync(Upload upload)
    {
        string data = store.DataPath(upload.Id);
        byte[] head = new byte[EcgFileReader.DetectionBytes];
        int length;
        await using (var file = File.OpenRead(data))
        {
            length = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false).ConfigureAwait(false);
        }

        if (WfdbArchive.IsZip(head))
        {
            return await ConvertAsync(upload, WfdbArchive.Read(data, store.Options.MaxBytes)).ConfigureAwait(false);
        }

        EcgFileFormat format = EcgFileReader.Detect(head.AsSpan(0, length));
        switch (format)
        {
            case EcgFileFormat.Dicom:
                return await IngestDicomAsync(upload, data, "Dicom", null).ConfigureAwait(false);
            case EcgFileFormat.ScpEcg or EcgFileFormat.HL7Aecg or EcgFileFormat.PhilipsXml:
                EcgDocument document;
                await using (var file = File.OpenRead(data))
                {
                    document = EcgFileReader.Read(file, Path.GetFileNameWithoutExtension(upload.FileName));
                }

                return await ConvertAsync(upload, document).ConfigureAwait(false);
            case EcgFileFormat.Wfdb:
                throw new EcgFormatException(format, upload.FileName, "a WFDB header alone has no samples: upload a ZIP archive holding the .hea and its .dat file(s).");
            default:
                // Some DICOM writers leave out preamble and meta information (a bare data set, PS3.10 allows it on no media).
                try
                {
                    return await IngestDicomAsync(upload, data, "Dicom", null).ConfigureAwait(false);
                }
                catch (DicomException)
                {
                    throw new EcgFormatException(EcgFileFormat.Unknown, upload.FileName,
                        "not a format the hub accepts: DICOM, SCP-ECG, HL7 aECG XML, Philips XML, or a ZIP of a WFDB record (.hea + .dat).");
                }
        }
    }

    private async Task<Upload> ConvertAsync(Upload upload, EcgDocument document)
    {
        // UIDs named after the institution and the file's hash: the same file uploaded twice by one institution is the
        // same instance (stored once); by another, another instance of its own.
        string root = $"telemed/upload/{upload.InstitutionId}/{upload.Sha256}";
        EcgStudyInfo study = EcgDocumentConverter.StudyInfo(document.Metadata, DicomUids.FromName(root + "/study"), DicomUids.FromName(root + "/series"),
            DicomUids.FromName(root + "/instance"), upload.CreatedAt.UtcDateTime, upload.PatientId);
        DicomFile converted = EcgDocumentConverter.ToDicom(document, study, out IReadOnlyList<string> warnings);
        string path = Path.Combine(store.Folder(upload.Id), "converted.dcm");
        converted.Save(path);

        // The file as sent is kept too: the DICOM object is our reading of it, the original is the record.
        await using BlobWriter original = gateway.Blobs.CreateWriter();
        await using (var file = File.OpenRead(store.DataPath(upload.Id)))
        {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = await file.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                await original.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
            }
        }

        var kept = await original.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        Upload stored = await IngestDicomAsync(upload, path, document.Format.ToString(), warnings).ConfigureAwait(false);
        return stored with { OriginalBlobHash = kept.Hash.Hex };
    }

    private async Task<Upload> IngestDicomAsync(Upload upload, string path, string format, IReadOnlyList<string>? warnings)
    {
        DicomFile header = DicomFile.Open(path, HeaderOnly);
        string sopClass = Uid(header.Dataset, "SOPClassUID") ?? throw new DicomException("the data set has no SOP Class UID (0008,0016)");
        string sopInstance = Uid(header.Dataset, "SOPInstanceUID") ?? throw new DicomException("the data set has no SOP Instance UID (0008,0018)");
        DicomIngestResult result;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            file.Position = DicomPart10.DatasetOffset(file);
            PipeReader reader = PipeReader.Create(file, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
            result = await gateway.Ingest.IngestAsync(new DicomIngestRequest
            {
                SopClassUid = sopClass,
                SopInstanceUid = sopInstance,
                TransferSyntaxUid = header.TransferSyntax.Uid,
                SourceAddress = upload.SourceAddress,
                InstitutionId = upload.InstitutionId,
            }, reader, CancellationToken.None).ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
        }

        if (!result.IsSuccess || result.Instance is null)
        {
            return upload with { State = UploadState.Failed, Format = format, Reason = $"the hub could not store the object (status {result.Status:X4}): {result.ErrorComment}" };
        }

        if (result.Outcome == InstanceOutcome.Duplicate && result.Instance.InstitutionId != upload.InstitutionId)
        {
            // The hub keeps the first institution's copy (as for a C-STORE); this upload adds nothing the uploader may see.
            return upload with
            {
                State = UploadState.Failed,
                Format = format,
                Reason = $"SOP instance {sopInstance} is already stored with these bytes for another institution; nothing was added",
            };
        }

        LogStored(logger, upload.Id, upload.FileName, format, sopInstance, upload.InstitutionId);
        return upload with
        {
            State = UploadState.Stored,
            Format = format,
            Reason = null,
            SopInstanceUids = [sopInstance],
            StudyInstanceUid = result.Instance.StudyInstanceUid,
            Warnings = warnings ?? [],
        };
    }

    private static string? Uid(DicomDataset dataset, string keyword) =>
        dataset.TryGetElement(DicomDictionary.GetTag(keyword), out DicomElement? e) && e.Length > 0 ? e.GetUid() : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "upload {UploadId} ({FileName}, {Format}) stored as {SopInstanceUid} for {InstitutionId}")]
    private static partial void LogStored(ILogger logger, string uploadId, string fileName, string format, string sopInstanceUid, string institutionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upload {UploadId} ({FileName}) failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string uploadId, string fileName, string reason);
}
