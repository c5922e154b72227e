using System.Numerics;
using Telemed.DeviceGateway.EcgStreams.Segments;
using Telemed.DeviceGateway.Ingest;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Signals;
using Telemed.Storage.Blobs;

namespace Telemed.DeviceGateway.EcgStreams.Server;

/// <summary>
/// What happens at BYE: the whole recording is analysed (<see cref="EcgAnalyzer"/>), stored in the blob store as a
/// DICOM ECG object, or as its segment file when a lead has no DICOM code (e.g. MIT-BIH's MLII), and announced once
/// through <see cref="IIngestSink"/>. The DICOM bytes depend only on the recording, so a retry after a crash stores the
/// same blob and announces the same SOP Instance UID.
/// </summary>
internal sealed class EcgRecordingFinalizer(BlobStore blobs, IIngestSink sink, double mainsHz)
{
    private static readonly DicomTag SopClassUidTag = new(0x0008, 0x0016);

    public async Task<EcgSegmentFinish> FinishAsync(EcgSegment segment, CancellationToken cancellationToken)
    {
        var metadata = segment.Metadata;
        segment.Flush();
        var recording = ToRecording(segment);
        var analysis = await Task.Run(() => EcgAnalyzer.Analyze(recording, patient: null, mainsHz), cancellationToken).ConfigureAwait(false);

        string uidRoot = UidOf(metadata.RecordingId);
        var study = new EcgStudyInfo
        {
            PatientName = "",
            PatientId = metadata.PatientId,
            AcquisitionDateTime = metadata.AcquisitionStartUtc,
            StudyInstanceUid = uidRoot + ".1",
            SeriesInstanceUid = uidRoot + ".2",
            SopInstanceUid = uidRoot + ".3",
            InstitutionName = metadata.InstitutionId,
        };

        StoredBlob stored;
        string? sopClass = null;
        if (CanWriteDicom(recording))
        {
            var file = EcgWaveformWriter.Create(recording, study, analysis);
            using var buffer = new MemoryStream();
            file.Write(buffer);
            sopClass = file.Dataset.GetString(SopClassUidTag).TrimEnd('\0', ' ');
            stored = await blobs.StoreAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The segment itself (CRC'd blocks) stays the durable form; the blob store holds a copy under its hash.
            await using var writer = blobs.CreateWriter();
            await using (var samples = new FileStream(segment.SamplesPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.Asynchronous))
            {
                byte[] chunk = new byte[1 << 16];
                int n;
                while ((n = await samples.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await writer.WriteAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }
            }

            stored = await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        string[] flags = [.. analysis.Flags.Select(f => f.Kind.ToString()).Distinct()];
        await sink.PublishAsync(new IngestedObject
        {
            Kind = IngestedKind.EcgRecording,
            BlobHash = stored.Hash.Hex,
            ReceivedAtUtc = DateTime.UtcNow,
            PatientId = metadata.PatientId.Length == 0 ? null : metadata.PatientId,
            StudyInstanceUid = study.StudyInstanceUid,
            SeriesInstanceUid = study.SeriesInstanceUid,
            SopInstanceUid = sopClass is null ? null : study.SopInstanceUid,
            SopClassUid = sopClass,
            Modality = "ECG",
            InstitutionId = metadata.InstitutionId,
            DeviceId = metadata.DeviceId,
            EcgFlags = flags,
        }, cancellationToken).ConfigureAwait(false);

        // Marked finished only after the announcement (in the gateway: committed to the ingest outbox): a crash in
        // between announces again (at least once), never not at all.
        var finish = new EcgSegmentFinish(segment.LastSequence, segment.SampleCount, stored.Hash.Hex,
            sopClass is null ? null : study.SopInstanceUid, analysis.Urgency, flags);
        segment.MarkFinished(finish);
        return finish;
    }

    public static EcgRecording ToRecording(EcgSegment segment)
    {
        var metadata = segment.Metadata;
        int[][] samples = segment.ReadLeads();
        var leads = new EcgLead[samples.Length];
        for (int l = 0; l < leads.Length; l++)
        {
            var lead = metadata.Leads[l];
            leads[l] = new EcgLead(LeadNames.Parse(lead.Label), lead.Label, samples[l], lead.AduPerMillivolt, lead.Baseline, "mV");
        }

        return new EcgRecording(metadata.SamplingRateHz, leads, metadata.RecordingId.ToString("N"));
    }

    private static bool CanWriteDicom(EcgRecording recording) =>
        recording.Length > 0 && recording.Leads.All(l => EcgLeadCodes.ForLead(l.Id) is not null);

    /// <summary>PS3.5 B.2: a UID under 2.25 from the recording's UUID; we own that arc, so .1/.2/.3 name study, series, instance.</summary>
    private static string UidOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return "2.25." + new BigInteger(bytes, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
