using System.Globalization;
using System.Text.Json;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.DeviceGateway.Hosting;
using Telemed.Dicom;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Json;
using Telemed.Dicom.Tags;
using Telemed.Imaging;
using Telemed.Storage.Blobs;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.DicomWeb;

/// <summary>
/// WADO-RS (PS3.18 §10.4): instances as stored (multipart/related; type="application/dicom", the original bytes from
/// the blob store, streamed one instance at a time), metadata (application/dicom+json with bulk data URIs), frames
/// (the original bit stream, or decoded to Explicit VR Little Endian when the Accept header asks for that transfer
/// syntax), bulk data, and rendered images (PNG or JPEG, with window=center,width[,function] and quality). A request
/// that none of our representations satisfies is 406.
/// </summary>
internal static class WadoEndpoints
{
    public const string DicomMediaType = "application/dicom";
    public const string OctetStream = "application/octet-stream";
    public const string DicomJson = "application/dicom+json";
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    public static void MapWado(this RouteGroupBuilder dicomweb)
    {
        dicomweb.MapGet("/studies/{study}", (string study, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IInstitutionDirectory dir) =>
            RetrieveAsync(http, open, gateway.Blobs, audit, dir, study, null, null)).WithSummary("WADO-RS: a study's instances (multipart/related; type=\"application/dicom\")");
        dicomweb.MapGet("/studies/{study}/series/{series}", (string study, string series, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IInstitutionDirectory dir) =>
            RetrieveAsync(http, open, gateway.Blobs, audit, dir, study, series, null)).WithSummary("WADO-RS: a series' instances");
        dicomweb.MapGet("/studies/{study}/series/{series}/instances/{instance}", (string study, string series, string instance, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IInstitutionDirectory dir) =>
            RetrieveAsync(http, open, gateway.Blobs, audit, dir, study, series, instance)).WithSummary("WADO-RS: one instance as stored");

        dicomweb.MapGet("/studies/{study}/metadata", (string study, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IInstitutionDirectory dir) =>
            MetadataAsync(http, open, gateway.Blobs, audit, dir, study, null, null)).WithSummary("WADO-RS: a study's metadata (application/dicom+json)");
        dicomweb.MapGet("/studies/{study}/series/{series}/metadata", (string study, string series, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IInstitutionDirectory dir) =>
            MetadataAsync(http, open, gateway.Blobs, audit, dir, study, series, null)).WithSummary("WADO-RS: a series' metadata");
        dicomweb.MapGet("/studies/{study}/series/{series}/instances/{instance}/metadata", (string study, string series, string instance, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IInstitutionDirectory dir) =>
            MetadataAsync(http, open, gateway.Blobs, audit, dir, study, series, instance)).WithSummary("WADO-RS: an instance's metadata");

        dicomweb.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}", (string study, string series, string instance, string frames, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IInstitutionDirectory dir) =>
            FramesAsync(http, open, gateway.Blobs, audit, dir, study, series, instance, frames)).WithSummary("WADO-RS: frames (original transfer syntax, or decoded when asked)");
        dicomweb.MapGet("/studies/{study}/series/{series}/instances/{instance}/bulkdata/{**path}", (string study, string series, string instance, string path, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IInstitutionDirectory dir) =>
            BulkDataAsync(http, open, gateway.Blobs, audit, dir, study, series, instance, path)).WithSummary("WADO-RS: bulk data named in the metadata's BulkDataURIs");
        dicomweb.MapGet("/studies/{study}/series/{series}/instances/{instance}/rendered", (string study, string series, string instance, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IInstitutionDirectory dir) =>
            RenderedAsync(http, open, gateway.Blobs, audit, dir, study, series, instance, 1)).WithSummary("WADO-RS: the first frame rendered (image/jpeg or image/png; window=center,width,function; quality)");
        dicomweb.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frame:int}/rendered", (string study, string series, string instance, int frame, HttpContext http, Func<CatalogDbContext> open, GatewayService gateway, AuditTrail audit, IInstitutionDirectory dir) =>
            RenderedAsync(http, open, gateway.Blobs, audit, dir, study, series, instance, frame)).WithSummary("WADO-RS: one frame rendered");
    }

    private static async Task<IResult> RetrieveAsync(HttpContext http, Func<CatalogDbContext> open, BlobStore blobs, AuditTrail audit, IInstitutionDirectory dir,
        string study, string? series, string? instance)
    {
        IReadOnlyList<AcceptedMediaType> accepted = AcceptedMediaType.Parse(http.Request);
        List<StoredInstance> rows;
        await using (CatalogDbContext catalog = open())
        {
            (rows, IResult? refusal) = await DicomWebInstances.LocateAsync(http, catalog, study, series, instance, "dicomweb.retrieve", audit, dir);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        // The stored bytes are served as they are: every instance's transfer syntax must be acceptable.
        AcceptedMediaType? choice = accepted.FirstOrDefault(a => a.Admits(DicomMediaType) && rows.All(r => a.AdmitsSyntax(r.TransferSyntaxUid)));
        if (choice is null)
        {
            return NotAcceptable("instances are served as stored: multipart/related; type=\"application/dicom\" with transfer-syntax * or "
                + string.Join(", ", rows.Select(r => r.TransferSyntaxUid).Distinct()));
        }

        string baseUrl = BaseUrl(http.Request);
        if (!choice.Multipart && choice.MediaType == DicomMediaType && rows.Count == 1)
        {
            // PS3.18 §8.7.3.5.2: a single instance may be asked for as single-part application/dicom.
            http.Response.ContentType = DicomMediaType;
            await using FileStream file = blobs.OpenRead(BlobHash.Parse(rows[0].BlobHash));
            http.Response.ContentLength = file.Length;
            await file.CopyToAsync(http.Response.Body, http.RequestAborted);
            return Results.Empty;
        }

        string? syntax = rows.Select(r => r.TransferSyntaxUid).Distinct().Count() == 1 ? rows[0].TransferSyntaxUid : null;
        var multipart = new MultipartRelatedWriter(http.Response, DicomMediaType);
        foreach (StoredInstance row in rows)
        {
            await multipart.WritePartAsync(syntax is null ? DicomMediaType : $"{DicomMediaType}; transfer-syntax={row.TransferSyntaxUid}", async body =>
            {
                await using FileStream file = blobs.OpenRead(BlobHash.Parse(row.BlobHash));
                await file.CopyToAsync(body, http.RequestAborted);
            }, InstanceUrl(baseUrl, row), http.RequestAborted);
        }

        await multipart.CompleteAsync(http.RequestAborted);
        return Results.Empty;
    }

    private static async Task<IResult> MetadataAsync(HttpContext http, Func<CatalogDbContext> open, BlobStore blobs, AuditTrail audit, IInstitutionDirectory dir,
        string study, string? series, string? instance)
    {
        if (!AcceptedMediaType.Parse(http.Request).Any(a => !a.Multipart && (a.Admits(DicomJson) || a.Admits("application/json"))))
        {
            return NotAcceptable("metadata is application/dicom+json");
        }

        List<StoredInstance> rows;
        await using (CatalogDbContext catalog = open())
        {
            (rows, IResult? refusal) = await DicomWebInstances.LocateAsync(http, catalog, study, series, instance, "dicomweb.metadata", audit, dir);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        string baseUrl = BaseUrl(http.Request);
        http.Response.ContentType = DicomJson;
        await using var writer = new Utf8JsonWriter(http.Response.Body, DicomJsonWriter.WriterOptions);
        writer.WriteStartArray();
        foreach (StoredInstance row in rows)
        {
            DicomFile header;
            await using (FileStream file = blobs.OpenRead(BlobHash.Parse(row.BlobHash)))
            {
                header = await DicomFile.ReadAsync(file, HeaderOnly, http.RequestAborted);
            }

            string instanceUrl = InstanceUrl(baseUrl, row);
            writer.WriteStartObject();
            DicomJsonWriter.WriteAttributes(writer, header.Dataset, new DicomJsonOptions { BulkDataUri = (path, _) => $"{instanceUrl}/bulkdata/{path}" });
            if (row.Rows is not null)
            {
                // The header was read up to the pixel data (the last top-level element): it is bulk data by reference.
                writer.WritePropertyName(DicomJsonWriter.Key(DicomTag.PixelData));
                writer.WriteStartObject();
                writer.WriteString("vr", header.TransferSyntax.IsEncapsulated || row.BitsAllocated is null or <= 8 ? "OB" : "OW");
                writer.WriteString("BulkDataURI", $"{instanceUrl}/bulkdata/{DicomJsonWriter.Key(DicomTag.PixelData)}");
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            await writer.FlushAsync(http.RequestAborted);
        }

        writer.WriteEndArray();
        await writer.FlushAsync(http.RequestAborted);
        return Results.Empty;
    }

    private static async Task<IResult> FramesAsync(HttpContext http, Func<CatalogDbContext> open, BlobStore blobs, AuditTrail audit, IInstitutionDirectory dir,
        string study, string series, string instance, string frameList)
    {
        List<int> numbers = [];
        foreach (string part in frameList.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
            {
                return Results.Problem($"frame list '{frameList}' must be frame numbers from 1, separated by commas", statusCode: StatusCodes.Status400BadRequest);
            }

            numbers.Add(n);
        }

        (StoredInstance? row, PixelData? pixels, IResult? refusal) = await PixelsAsync(http, open, blobs, audit, dir, study, series, instance, "dicomweb.frames");
        if (refusal is not null)
        {
            return refusal;
        }

        int missing = numbers.FirstOrDefault(n => n > pixels!.FrameCount);
        if (missing > 0)
        {
            return Results.Problem($"frame {missing} does not exist: the instance has {pixels!.FrameCount}", statusCode: StatusCodes.Status404NotFound);
        }

        string stored = row!.TransferSyntaxUid;
        string explicitLittle = DicomTransferSyntax.ExplicitVRLittleEndian.Uid;
        string? encodedType = pixels!.IsEncapsulated ? FrameMediaType(stored) : null;
        foreach (AcceptedMediaType accept in AcceptedMediaType.Parse(http.Request))
        {
            // Decoded: uncompressed little-endian samples, as native pixel data would hold them (PS3.18 §8.7.3.5.3).
            bool decode = accept.TransferSyntax == explicitLittle && stored != explicitLittle && accept.Admits(OctetStream);
            bool original = !decode && accept.AdmitsSyntax(stored)
                && (accept.Admits(OctetStream) || (encodedType is not null && accept.Admits(encodedType)));
            if (!decode && !original)
            {
                continue;
            }

            string partType = decode || encodedType is null || accept.MediaType is OctetStream or "*/*" ? OctetStream : encodedType;
            string partSyntax = decode ? explicitLittle : stored;
            try
            {
                var multipart = new MultipartRelatedWriter(http.Response, partType, partSyntax);
                foreach (int n in numbers)
                {
                    ReadOnlyMemory<byte> frame = decode ? pixels.GetFrame(n - 1) : pixels.GetEncodedFrame(n - 1);
                    await multipart.WritePartAsync($"{partType}; transfer-syntax={partSyntax}", frame, null, http.RequestAborted);
                }

                await multipart.CompleteAsync(http.RequestAborted);
                return Results.Empty;
            }
            catch (DicomException e) when (!http.Response.HasStarted)
            {
                return Results.Problem($"frame cannot be decoded: {e.Message}", statusCode: StatusCodes.Status406NotAcceptable);
            }
        }

        return NotAcceptable($"frames are served as multipart/related; type=\"{encodedType ?? OctetStream}\" in their transfer syntax {stored}"
            + (stored == explicitLittle ? "" : $", or decoded with transfer-syntax={explicitLittle}"));
    }

    private static async Task<IResult> BulkDataAsync(HttpContext http, Func<CatalogDbContext> open, BlobStore blobs, AuditTrail audit, IInstitutionDirectory dir,
        string study, string series, string instance, string path)
    {
        List<StoredInstance> rows;
        await using (CatalogDbContext catalog = open())
        {
            (rows, IResult? refusal) = await DicomWebInstances.LocateAsync(http, catalog, study, series, instance, "dicomweb.bulkdata", audit, dir);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        IReadOnlyList<AcceptedMediaType> accepted = AcceptedMediaType.Parse(http.Request);
        AcceptedMediaType? choice = accepted.FirstOrDefault(a => a.Admits(OctetStream));
        if (choice is null)
        {
            return NotAcceptable("bulk data is application/octet-stream (multipart/related or single part)");
        }

        DicomFile file = DicomFile.Open(blobs.PathOf(BlobHash.Parse(rows[0].BlobHash)));
        DicomElement? element = Find(file.Dataset, path);
        if (element is null)
        {
            return Results.Problem($"no bulk data at {path}", statusCode: StatusCodes.Status404NotFound);
        }

        List<ReadOnlyMemory<byte>> parts = [];
        if (element is DicomFragmentSequence)
        {
            // Encapsulated pixel data: one part per frame, in its original transfer syntax.
            PixelData pixels = PixelData.FromFile(file);
            for (int i = 0; i < pixels.FrameCount; i++)
            {
                parts.Add(pixels.GetEncodedFrame(i));
            }
        }
        else
        {
            parts.Add(element.Value);
        }

        if (!choice.Multipart && choice.MediaType == OctetStream && parts.Count == 1)
        {
            return Results.Bytes(parts[0], OctetStream);
        }

        var multipart = new MultipartRelatedWriter(http.Response, OctetStream);
        foreach (ReadOnlyMemory<byte> part in parts)
        {
            await multipart.WritePartAsync(OctetStream, part, null, http.RequestAborted);
        }

        await multipart.CompleteAsync(http.RequestAborted);
        return Results.Empty;
    }

    private static async Task<IResult> RenderedAsync(HttpContext http, Func<CatalogDbContext> open, BlobStore blobs, AuditTrail audit, IInstitutionDirectory dir,
        string study, string series, string instance, int frame)
    {
        EncodedImageFormat? format = null;
        foreach (AcceptedMediaType accept in AcceptedMediaType.Parse(http.Request).Where(a => !a.Multipart))
        {
            // PS3.18 §8.7.3.5.3: image/jpeg is the default rendered type.
            format = accept.Admits("image/jpeg") ? EncodedImageFormat.Jpeg : accept.Admits("image/png") ? EncodedImageFormat.Png : null;
            if (format is not null)
            {
                break;
            }
        }

        if (format is null)
        {
            return NotAcceptable("rendered images are image/jpeg or image/png");
        }

        if (!TryRenderOptions(http.Request.Query, out RenderOptions render, out int quality, out string? error))
        {
            return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }

        (_, PixelData? pixels, IResult? refusal) = await PixelsAsync(http, open, blobs, audit, dir, study, series, instance, "dicomweb.rendered");
        if (refusal is not null)
        {
            return refusal;
        }

        if (frame < 1 || frame > pixels!.FrameCount)
        {
            return Results.Problem($"frame {frame} does not exist: the instance has {pixels!.FrameCount}", statusCode: StatusCodes.Status404NotFound);
        }

        try
        {
            RenderedImage image = ImageRenderer.Render(pixels, frame - 1, render);
            byte[] encoded = DicomImageEncoder.Encode(image, new ImageEncodeOptions { Format = format.Value, JpegQuality = quality });
            return Results.Bytes(encoded, format == EncodedImageFormat.Jpeg ? "image/jpeg" : "image/png");
        }
        catch (DicomException e)
        {
            return Results.Problem($"the image cannot be rendered: {e.Message}", statusCode: StatusCodes.Status406NotAcceptable);
        }
    }

    /// <summary>PS3.18 §8.3.5.1.2: window=center,width[,function] with function linear, linear-exact or sigmoid; quality 1–100.</summary>
    internal static bool TryRenderOptions(IQueryCollection query, out RenderOptions options, out int quality, out string? error)
    {
        options = RenderOptions.Default;
        quality = 90;
        error = null;
        if (query.TryGetValue("quality", out var q) && (!int.TryParse(q, NumberStyles.None, CultureInfo.InvariantCulture, out quality) || quality is < 1 or > 100))
        {
            error = "quality must be an integer from 1 to 100";
            return false;
        }

        if (query.TryGetValue("window", out var w))
        {
            string[] parts = w.ToString().Split(',', StringSplitOptions.TrimEntries);
            VoiLutFunction? function = parts.Length < 3 ? VoiLutFunction.Linear : parts[2].ToUpperInvariant() switch
            {
                "LINEAR" => VoiLutFunction.Linear,
                "LINEAR-EXACT" or "LINEAR_EXACT" => VoiLutFunction.LinearExact,
                "SIGMOID" => VoiLutFunction.Sigmoid,
                _ => null,
            };
            if (parts.Length is < 2 or > 3 || function is null
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double center)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double width))
            {
                error = "window must be center,width[,function] with function linear, linear-exact or sigmoid";
                return false;
            }

            var window = new VoiWindow(center, width, function.Value);
            if (!window.IsValid)
            {
                error = $"window width {width} is not valid for {parts.ElementAtOrDefault(2) ?? "linear"}";
                return false;
            }

            options = new RenderOptions { Window = window };
        }

        return true;
    }

    private static async Task<(StoredInstance? Row, PixelData? Pixels, IResult? Refusal)> PixelsAsync(HttpContext http, Func<CatalogDbContext> open, BlobStore blobs,
        AuditTrail audit, IInstitutionDirectory dir, string study, string series, string instance, string action)
    {
        List<StoredInstance> rows;
        await using (CatalogDbContext catalog = open())
        {
            (rows, IResult? refusal) = await DicomWebInstances.LocateAsync(http, catalog, study, series, instance, action, audit, dir);
            if (refusal is not null)
            {
                return (null, null, refusal);
            }
        }

        StoredInstance row = rows[0];
        if (row.Rows is null)
        {
            return (row, null, Results.Problem("the instance has no pixel data (a waveform or document): nothing to serve as frames or an image",
                statusCode: StatusCodes.Status404NotFound));
        }

        // One instance in memory (frames are cut from its buffer); studies are never read whole.
        DicomFile file = DicomFile.Open(blobs.PathOf(BlobHash.Parse(row.BlobHash)));
        try
        {
            return (row, PixelData.FromFile(file), null);
        }
        catch (DicomException e)
        {
            return (row, null, Results.Problem($"the pixel data cannot be read: {e.Message}", statusCode: StatusCodes.Status406NotAcceptable));
        }
    }

    /// <summary>An element by bulk data path: tag keys and item indexes joined by slashes (DicomJsonOptions.BulkDataUri).</summary>
    private static DicomElement? Find(DicomDataset dataset, string path)
    {
        string[] steps = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        DicomDataset current = dataset;
        for (int i = 0; i < steps.Length; i++)
        {
            if (!DicomTag.TryParse(steps[i], out DicomTag tag) || !current.TryGetElement(tag, out DicomElement? element))
            {
                return null;
            }

            if (i == steps.Length - 1)
            {
                return element;
            }

            if (element is not DicomSequence sequence || i + 1 >= steps.Length - 1
                || !int.TryParse(steps[++i], NumberStyles.None, CultureInfo.InvariantCulture, out int item) || item >= sequence.Items.Count)
            {
                return null;
            }

            current = sequence.Items[item];
        }

        return null;
    }

    /// <summary>PS3.18 Table 8.7.3-5: the media type of a compressed frame in its transfer syntax.</summary>
    private static string FrameMediaType(string transferSyntax) => transferSyntax switch
    {
        "1.2.840.10008.1.2.4.50" or "1.2.840.10008.1.2.4.51" or "1.2.840.10008.1.2.4.57" or "1.2.840.10008.1.2.4.70" => "image/jpeg",
        "1.2.840.10008.1.2.4.80" or "1.2.840.10008.1.2.4.81" => "image/jls",
        "1.2.840.10008.1.2.4.90" or "1.2.840.10008.1.2.4.91" => "image/jp2",
        "1.2.840.10008.1.2.4.92" or "1.2.840.10008.1.2.4.93" => "image/jpx",
        "1.2.840.10008.1.2.5" => "image/x-dicom-rle",
        _ => OctetStream,
    };

    private static IResult NotAcceptable(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status406NotAcceptable);

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/dicomweb";

    public static string InstanceUrl(string baseUrl, StoredInstance row) =>
        $"{baseUrl}/studies/{row.StudyInstanceUid}/series/{row.SeriesInstanceUid}/instances/{row.SopInstanceUid}";
}
