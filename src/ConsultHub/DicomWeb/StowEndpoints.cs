using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.ConsultHub.Hosting;
using Telemed.DeviceGateway.Hosting;
using Telemed.DeviceGateway.Ingest;
using Telemed.Dicom;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Json;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.ConsultHub.DicomWeb;

/// <summary>
/// STOW-RS (PS3.18 §10.5): multipart/related; type="application/dicom", each part a Part 10 file that goes through
/// the same durable ingest as a C-STORE (<see cref="DicomInstanceIngest"/>: blob fsynced, catalog row and outbox
/// event committed together, then the study grain opens or joins the case). Parts are taken one at a time; a bad part
/// fails alone with its reason and never undoes the parts stored before it. 200 when all were stored, 202 when some
/// failed, 409 when none was stored (PS3.18 Table 10.5.3-1). Who may store: see <see cref="DicomWebScope.CanStoreAsync"/>.
/// </summary>
internal static class StowEndpoints
{
    /// <summary>PS3.18 Table 10.5.3-2 / PS3.4 B.2.3 failure reasons.</summary>
    private const ushort ProcessingFailure = 0x0110;
    private const ushort CannotUnderstand = 0xC000;
    private const ushort StudyMismatch = 0xA900;
    private const string SourceAeTitle = "STOW-RS";
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    public static void MapStow(this RouteGroupBuilder dicomweb)
    {
        dicomweb.MapPost("/studies", (HttpContext http, GatewayService gateway, HubOptions hub, AuditTrail audit) => StoreAsync(http, gateway, hub, audit, null))
            .WithSummary("STOW-RS: store instances (multipart/related; type=\"application/dicom\")");
        dicomweb.MapPost("/studies/{study}", (string study, HttpContext http, GatewayService gateway, HubOptions hub, AuditTrail audit) => StoreAsync(http, gateway, hub, audit, study))
            .WithSummary("STOW-RS: store instances of one study");
    }

    private static async Task<IResult> StoreAsync(HttpContext http, GatewayService gateway, HubOptions hub, AuditTrail audit, string? study)
    {
        AccessScope scope = http.Scope();
        string resource = "dicomweb" + http.Request.Path.Value?["/dicomweb".Length..];
        if (!await DicomWebScope.CanStoreAsync(scope))
        {
            await audit.RecordAsync(http, "dicomweb.store", resource, (string?)null, "denied");
            return Results.Forbid();
        }

        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out MediaTypeHeaderValue? contentType)
            || !contentType.MediaType.Equals("multipart/related", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Length == 0)
        {
            return Results.Problem("STOW-RS takes multipart/related; type=\"application/dicom\" with a boundary", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        string? type = contentType.Parameters.FirstOrDefault(p => p.Name.Equals("type", StringComparison.OrdinalIgnoreCase)) is { } t
            ? HeaderUtilities.RemoveQuotes(t.Value).ToString() : null;
        if (type is not null && !type.Equals(WadoEndpoints.DicomMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem($"only type=\"application/dicom\" parts are stored (not {type}): send Part 10 files", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        // A study upload from a township PC can be large; the parts stream to disk, never whole into memory.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(contentType.Boundary).ToString(), http.Request.Body);
        var stored = new List<(string SopClass, string SopInstance, string Study, string Series, string? PatientId)>();
        var failed = new List<(string? SopClass, string? SopInstance, ushort Reason, string Comment)>();
        string spool = Path.Combine(hub.DataDirectory, "stow-spool");
        Directory.CreateDirectory(spool);
        while (true)
        {
            MultipartSection? section;
            try
            {
                section = await reader.ReadNextSectionAsync(http.RequestAborted);
            }
            catch (IOException e)
            {
                // The body ended or broke mid-part: what was stored stays stored, and says so below.
                failed.Add((null, null, ProcessingFailure, $"the request body is not complete multipart/related: {e.Message}"));
                break;
            }

            if (section is null)
            {
                break;
            }

            if (section.ContentType is { } partType && !partType.StartsWith(WadoEndpoints.DicomMediaType, StringComparison.OrdinalIgnoreCase))
            {
                await section.Body.CopyToAsync(Stream.Null, http.RequestAborted);
                failed.Add((null, null, CannotUnderstand, $"part of type {partType} is not application/dicom"));
                continue;
            }

            string path = Path.Combine(spool, Guid.NewGuid().ToString("N") + ".part");
            try
            {
                await StorePartAsync(http, gateway, scope.Caller.InstitutionId, study, section.Body, path, stored, failed);
            }
            catch (Exception e) when (e is IOException or BadHttpRequestException && !http.RequestAborted.IsCancellationRequested)
            {
                // The body broke off inside this part: the parts before it are stored (each is durable on its own),
                // and the response says which.
                failed.Add((null, null, ProcessingFailure, $"the request body ended inside a part: {e.Message}"));
                break;
            }
            finally
            {
                File.Delete(path);
            }
        }

        await audit.RecordAsync(http, "dicomweb.store", resource, stored.Select(s => s.PatientId).Distinct(), failed.Count == 0 ? "ok" : stored.Count == 0 ? "failed" : "partial");
        int status = failed.Count == 0 ? StatusCodes.Status200OK : stored.Count == 0 ? StatusCodes.Status409Conflict : StatusCodes.Status202Accepted;
        if (stored.Count + failed.Count == 0)
        {
            return Results.Problem("the request has no parts", statusCode: StatusCodes.Status400BadRequest);
        }

        string baseUrl = WadoEndpoints.BaseUrl(http.Request);
        http.Response.StatusCode = status;
        http.Response.ContentType = WadoEndpoints.DicomJson;
        foreach ((_, _, _, string comment) in failed)
        {
            // RFC 7234 §5.5 warn-code 299 with the reasons in readable form, beside the data set's status codes.
            http.Response.Headers.Append(HeaderNames.Warning, $"299 telemed \"{HeaderText(comment)}\"");
        }

        await using var writer = new Utf8JsonWriter(http.Response.Body, DicomJsonWriter.WriterOptions);
        writer.WriteStartObject();
        string? studyUrl = (study ?? stored.Select(s => s.Study).FirstOrDefault()) is { } s0 ? $"{baseUrl}/studies/{s0}" : null;
        if (studyUrl is not null)
        {
            DicomJsonWriter.WriteAttribute(writer, DicomDictionary.GetTag("RetrieveURL"), DicomVR.UR, studyUrl);
        }

        if (failed.Count > 0)
        {
            WriteSequence(writer, "FailedSOPSequence", failed, f =>
            {
                // The readable reason first (tag order), as a DIMSE Error Comment carries it (PS3.7 C.4.2.1.4).
                DicomJsonWriter.WriteAttribute(writer, new Telemed.Dicom.Tags.DicomTag(0x0000, 0x0902), DicomVR.LO, f.Comment.Length <= 64 ? f.Comment : f.Comment[..64]);
                DicomJsonWriter.WriteAttribute(writer, DicomDictionary.GetTag("ReferencedSOPClassUID"), DicomVR.UI, f.SopClass);
                DicomJsonWriter.WriteAttribute(writer, DicomDictionary.GetTag("ReferencedSOPInstanceUID"), DicomVR.UI, f.SopInstance);
                DicomJsonWriter.WriteAttribute(writer, DicomDictionary.GetTag("FailureReason"), DicomVR.US, f.Reason);
            });
        }

        if (stored.Count > 0)
        {
            WriteSequence(writer, "ReferencedSOPSequence", stored, s =>
            {
                DicomJsonWriter.WriteAttribute(writer, DicomDictionary.GetTag("ReferencedSOPClassUID"), DicomVR.UI, s.SopClass);
                DicomJsonWriter.WriteAttribute(writer, DicomDictionary.GetTag("ReferencedSOPInstanceUID"), DicomVR.UI, s.SopInstance);
                DicomJsonWriter.WriteAttribute(writer, DicomDictionary.GetTag("RetrieveURL"), DicomVR.UR,
                    $"{baseUrl}/studies/{s.Study}/series/{s.Series}/instances/{s.SopInstance}");
            });
        }

        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
        return Results.Empty;
    }

    private static async Task StorePartAsync(HttpContext http, GatewayService gateway, string institutionId, string? study, Stream body, string path,
        List<(string, string, string, string, string?)> stored, List<(string?, string?, ushort, string)> failed)
    {
        await using var spooled = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await body.CopyToAsync(spooled, http.RequestAborted);
        spooled.Position = 0;
        long datasetStart = await DatasetStartAsync(spooled, http.RequestAborted);
        if (datasetStart < 0)
        {
            failed.Add((null, null, CannotUnderstand, "not a DICOM Part 10 file (no DICM prefix and meta header)"));
            return;
        }

        spooled.Position = 0;
        DicomFile header;
        try
        {
            header = await DicomFile.ReadAsync(spooled, HeaderOnly, http.RequestAborted);
        }
        catch (DicomException e)
        {
            failed.Add((null, null, CannotUnderstand, $"cannot be parsed: {e.Message}"));
            return;
        }

        string? sopClass = Uid(header.FileMetaInformation, "MediaStorageSOPClassUID") ?? Uid(header.Dataset, "SOPClassUID");
        string? sopInstance = Uid(header.FileMetaInformation, "MediaStorageSOPInstanceUID") ?? Uid(header.Dataset, "SOPInstanceUID");
        string? studyUid = Uid(header.Dataset, "StudyInstanceUID");
        if (sopClass is null || sopInstance is null)
        {
            failed.Add((sopClass, sopInstance, CannotUnderstand, "SOP Class or SOP Instance UID missing"));
            return;
        }

        if (study is not null && studyUid != study)
        {
            // PS3.18 §10.5.1: instances posted to /studies/{study} must belong to that study.
            failed.Add((sopClass, sopInstance, StudyMismatch, $"Study Instance UID {studyUid ?? "missing"} is not {study}"));
            return;
        }

        spooled.Position = datasetStart;
        PipeReader dataset = PipeReader.Create(spooled, new StreamPipeReaderOptions(leaveOpen: true));
        DicomIngestResult result = await gateway.Ingest.IngestAsync(new DicomIngestRequest
        {
            SopClassUid = sopClass,
            SopInstanceUid = sopInstance,
            TransferSyntaxUid = header.TransferSyntax.Uid,
            SourceAeTitle = SourceAeTitle,
            SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
            InstitutionId = institutionId,
        }, dataset, http.RequestAborted);
        await dataset.CompleteAsync();
        if (result.IsSuccess && result.Instance is { } row)
        {
            stored.Add((row.SopClassUid, row.SopInstanceUid, row.StudyInstanceUid, row.SeriesInstanceUid, row.PatientId));
        }
        else
        {
            failed.Add((sopClass, sopInstance, result.Status, result.ErrorComment ?? "not stored"));
        }
    }

    /// <summary>Where the data set starts in a Part 10 file: after the 128-byte preamble, "DICM" and the group 0002 elements; −1 if it is none.</summary>
    private static async Task<long> DatasetStartAsync(Stream file, CancellationToken cancellationToken)
    {
        byte[] prefix = new byte[144];
        int read = await file.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken);
        // PS3.10 §7.1: "DICM", then (0002,0000) UL, explicit VR little endian, length 4.
        if (read < prefix.Length || prefix[128] != 'D' || prefix[129] != 'I' || prefix[130] != 'C' || prefix[131] != 'M'
            || BinaryPrimitives.ReadUInt16LittleEndian(prefix.AsSpan(132)) != 0x0002 || BinaryPrimitives.ReadUInt16LittleEndian(prefix.AsSpan(134)) != 0x0000
            || prefix[136] != 'U' || prefix[137] != 'L')
        {
            return -1;
        }

        return 144L + BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(140));
    }

    /// <summary>Header values are ASCII without quotes inside a quoted string: anything else becomes '?'.</summary>
    private static string HeaderText(string text) =>
        string.Create(text.Length, text, (span, t) =>
        {
            for (int i = 0; i < t.Length; i++)
            {
                span[i] = t[i] is >= ' ' and <= '~' and not '"' and not '\\' ? t[i] : '?';
            }
        });

    private static string? Uid(DicomDataset dataset, string keyword)
    {
        try
        {
            return dataset.TryGetElement(DicomDictionary.GetTag(keyword), out DicomElement? e) && e.Length > 0 ? e.GetUid() : null;
        }
        catch (DicomException)
        {
            return null;
        }
    }

    private static void WriteSequence<T>(Utf8JsonWriter writer, string keyword, List<T> items, Action<T> writeItem)
    {
        writer.WritePropertyName(DicomJsonWriter.Key(DicomDictionary.GetTag(keyword)));
        writer.WriteStartObject();
        writer.WriteString("vr", "SQ");
        writer.WriteStartArray("Value");
        foreach (T item in items)
        {
            writer.WriteStartObject();
            writeItem(item);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
