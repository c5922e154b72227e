using System.Text.Json;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Json;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.DicomWeb;

/// <summary>
/// Writes QIDO results as application/dicom+json (PS3.18 §10.6.3.3, Annex F.2): the level's required attributes from
/// the catalog (Tables 10.6.3-3 to -5), and those asked for with includefield that the catalog does not hold from the
/// header of the result's representative instance. Attributes come out in tag order.
/// </summary>
internal static class QidoResponse
{
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    public static async Task WriteAsync(Stream output, QidoQuery query, IReadOnlyList<QidoMatch> matches, string baseUrl, BlobStore blobs,
        CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(output, DicomJsonWriter.WriterOptions);
        writer.WriteStartArray();
        foreach (QidoMatch match in matches)
        {
            var attributes = new SortedDictionary<uint, Action<Utf8JsonWriter>>();
            AddCatalogAttributes(attributes, query, match, baseUrl);
            if (NeedsFile(query, attributes))
            {
                DicomDataset? header = await HeaderAsync(blobs, match.Row, cancellationToken);
                if (header is not null)
                {
                    AddFileAttributes(attributes, query, header);
                }
            }

            writer.WriteStartObject();
            foreach (Action<Utf8JsonWriter> write in attributes.Values)
            {
                write(writer);
            }

            writer.WriteEndObject();
            if (writer.BytesPending > 16 * 1024)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
    }

    private static void AddCatalogAttributes(SortedDictionary<uint, Action<Utf8JsonWriter>> a, QidoQuery q, QidoMatch m, string baseUrl)
    {
        StoredInstance r = m.Row;
        string studyUrl = $"{baseUrl}/studies/{r.StudyInstanceUid}";
        string seriesUrl = $"{studyUrl}/series/{r.SeriesInstanceUid}";
        // Study attributes on every level (PS3.18 Table 10.6.3-3): a viewer listing series or instances across studies
        // needs to know whose they are.
        Text(a, "StudyDate", DicomVR.DA, r.StudyDate);
        Text(a, "StudyTime", DicomVR.TM, r.StudyTime);
        Text(a, "AccessionNumber", DicomVR.SH, r.AccessionNumber);
        Text(a, "InstanceAvailability", DicomVR.CS, "ONLINE");
        Text(a, "ReferringPhysicianName", DicomVR.PN, r.ReferringPhysicianName);
        Text(a, "StudyDescription", DicomVR.LO, r.StudyDescription);
        Text(a, "PatientName", DicomVR.PN, r.PatientName);
        Text(a, "PatientID", DicomVR.LO, r.PatientId);
        Text(a, "PatientBirthDate", DicomVR.DA, r.PatientBirthDate);
        Text(a, "PatientSex", DicomVR.CS, r.PatientSex);
        Text(a, "StudyInstanceUID", DicomVR.UI, r.StudyInstanceUid);
        Text(a, "StudyID", DicomVR.SH, r.StudyId);
        switch (q.Level)
        {
            case QidoLevel.Study:
                Add(a, "ModalitiesInStudy", w => DicomJsonWriter.WriteAttribute(w, Tag("ModalitiesInStudy"), DicomVR.CS, [.. m.Modalities]));
                Number(a, "NumberOfStudyRelatedSeries", DicomVR.IS, m.SeriesCount);
                Number(a, "NumberOfStudyRelatedInstances", DicomVR.IS, m.InstanceCount);
                Text(a, "RetrieveURL", DicomVR.UR, studyUrl);
                break;
            case QidoLevel.Series:
                SeriesAttributes(a, r);
                Number(a, "NumberOfSeriesRelatedInstances", DicomVR.IS, m.InstanceCount);
                Text(a, "RetrieveURL", DicomVR.UR, seriesUrl);
                break;
            default:
                SeriesAttributes(a, r);
                Text(a, "SOPClassUID", DicomVR.UI, r.SopClassUid);
                Text(a, "SOPInstanceUID", DicomVR.UI, r.SopInstanceUid);
                Text(a, "AvailableTransferSyntaxUID", DicomVR.UI, r.TransferSyntaxUid);
                Number(a, "InstanceNumber", DicomVR.IS, r.InstanceNumber);
                Number(a, "Rows", DicomVR.US, r.Rows);
                Number(a, "Columns", DicomVR.US, r.Columns);
                Number(a, "BitsAllocated", DicomVR.US, r.BitsAllocated);
                Number(a, "NumberOfFrames", DicomVR.IS, r.NumberOfFrames);
                Text(a, "RetrieveURL", DicomVR.UR, $"{seriesUrl}/instances/{r.SopInstanceUid}");
                break;
        }
    }

    private static void SeriesAttributes(SortedDictionary<uint, Action<Utf8JsonWriter>> a, StoredInstance r)
    {
        Text(a, "Modality", DicomVR.CS, r.Modality);
        Text(a, "SeriesDescription", DicomVR.LO, r.SeriesDescription);
        Text(a, "SeriesInstanceUID", DicomVR.UI, r.SeriesInstanceUid);
        Number(a, "SeriesNumber", DicomVR.IS, r.SeriesNumber);
    }

    /// <summary>An includefield the catalog does not answer, or "all" at instance level (the whole header).</summary>
    private static bool NeedsFile(QidoQuery q, SortedDictionary<uint, Action<Utf8JsonWriter>> written) =>
        (q.IncludeAll && q.Level == QidoLevel.Instance) || q.IncludeFields.Any(t => !written.ContainsKey(t.Value));

    private static void AddFileAttributes(SortedDictionary<uint, Action<Utf8JsonWriter>> a, QidoQuery q, DicomDataset header)
    {
        foreach (DicomElement element in header)
        {
            uint tag = element.Tag.Value;
            bool wanted = q.IncludeFields.Contains(element.Tag) || (q.IncludeAll && q.Level == QidoLevel.Instance);
            if (!wanted || a.ContainsKey(tag) || element.Tag.Group == 0x0002 || element.Tag.IsGroupLength)
            {
                continue;
            }

            // One element at a time through the generic writer; bulk values stay out of search results.
            a[tag] = w => DicomJsonWriter.WriteAttributes(w, header, new DicomJsonOptions { BulkDataUri = (_, _) => null, InlineBinaryLimit = int.MaxValue },
                t => t == element.Tag && element.VR.Kind != DicomVRKind.Bytes);
        }
    }

    private static async Task<DicomDataset?> HeaderAsync(BlobStore blobs, StoredInstance row, CancellationToken cancellationToken)
    {
        try
        {
            await using FileStream file = blobs.OpenRead(BlobHash.Parse(row.BlobHash));
            return (await DicomFile.ReadAsync(file, HeaderOnly, cancellationToken)).Dataset;
        }
        catch (Exception e) when (e is IOException or Telemed.Dicom.DicomException or FormatException)
        {
            return null; // the catalog's attributes are still answered
        }
    }

    private static DicomTag Tag(string keyword) => DicomDictionary.GetTag(keyword);

    private static void Add(SortedDictionary<uint, Action<Utf8JsonWriter>> a, string keyword, Action<Utf8JsonWriter> write) => a[Tag(keyword).Value] = write;

    private static void Text(SortedDictionary<uint, Action<Utf8JsonWriter>> a, string keyword, DicomVR vr, string? value) =>
        Add(a, keyword, w => DicomJsonWriter.WriteAttribute(w, Tag(keyword), vr, vr.IsMultiValuedText && value is not null ? value.Split('\\') : [value ?? ""]));

    private static void Number(SortedDictionary<uint, Action<Utf8JsonWriter>> a, string keyword, DicomVR vr, long? value) =>
        Add(a, keyword, w => DicomJsonWriter.WriteAttribute(w, Tag(keyword), vr, value));
}
