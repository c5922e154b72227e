using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Telemed.ConsultHub.Audit;
using Telemed.ConsultHub.Auth;
using Telemed.ConsultHub.Uploads;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// Resumable uploads of ECG files and DICOM from township PCs over patchy links, in the manner of the tus protocol
/// (offset + checksum, no tus library): POST /api/uploads {fileName, length, sha256, contentType?, patientId?} creates
/// one (201, Location, Upload-Offset: 0); HEAD or GET /api/uploads/{id} tells the offset received (Upload-Offset) and,
/// with GET, the state; PATCH with Upload-Offset and an application/offset+octet-stream body appends (409 with the
/// current offset when the client's is stale; bytes before a broken connection are kept); the PATCH that completes the
/// file checks its SHA-256 (422 and the upload discarded on mismatch) and processes it (<see cref="UploadProcessor"/>),
/// answering with the result; DELETE cancels. Who: staff (village doctors, township staff) for their own institution,
/// which the stored objects and the case are attributed to; the upload is theirs and their institution's colleagues'
/// (another PC of the same township may resume it). Readers, admins and auditors do not upload.
/// </summary>
internal static class UploadEndpoints
{
    public const string OffsetHeader = "Upload-Offset";
    public const string LengthHeader = "Upload-Length";
    public const string ChunkContentType = "application/offset+octet-stream";

    /// <summary>How long a PATCH waits for an earlier one on the same upload (whose connection may be dying) to end.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    public static void MapUploads(this IEndpointRouteBuilder api)
    {
        RouteGroupBuilder uploads = api.MapGroup("/uploads").WithTags("Uploads");
        uploads.MapPost("", CreateAsync).WithSummary("Start a resumable upload of an ECG file or DICOM object (staff, own institution)");
        uploads.MapMethods("/{id}", ["HEAD"], HeadAsync).WithSummary("The offset received so far (Upload-Offset)");
        uploads.MapGet("/{id}", GetAsync).WithSummary("State of an upload: receiving, processing, stored (SOP instance, case) or failed (reason)");
        uploads.MapPatch("/{id}", PatchAsync).WithSummary("Append bytes at Upload-Offset; the last chunk verifies SHA-256 and stores the file");
        uploads.MapDelete("/{id}", DeleteAsync).WithSummary("Cancel an upload and delete its bytes");
    }

    private static async Task<IResult> CreateAsync(NewUpload request, HttpContext http, UploadStore store, IInstitutionDirectory institutions,
        AuditTrail audit, TimeProvider? clock)
    {
        AccessScope scope = http.Scope();
        string institution = request.Institution ?? scope.Caller.InstitutionId;
        if (!scope.IsStaff || institution != scope.Caller.InstitutionId || !await scope.CanReadPatientDataOfAsync(institution))
        {
            await audit.RecordAsync(http, "uploads.create", $"institution/{institution}/uploads", request.PatientId, "denied",
                await institutions.CommunityOfAsync(institution));
            return Results.Forbid();
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.FileName) || request.FileName.Length > 255)
        {
            errors["fileName"] = ["the file's name, 1–255 characters"];
        }

        if (request.Length <= 0)
        {
            errors["length"] = ["the file's length in bytes, more than 0"];
        }

        string? sha = request.Sha256?.ToLowerInvariant();
        if (sha is not { Length: 64 } || !sha.All(char.IsAsciiHexDigitLower))
        {
            errors["sha256"] = ["the SHA-256 of the whole file, 64 hex digits"];
        }

        if (request.PatientId is { Length: > 64 })
        {
            errors["patientId"] = ["at most 64 characters (DICOM LO)"];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "the upload cannot start");
        }

        if (request.Length > store.Options.MaxBytes)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "the file is too large",
                detail: $"{request.Length} bytes declared; this hub accepts uploads of at most {store.Options.MaxBytes} bytes");
        }

        DateTimeOffset now = (clock ?? TimeProvider.System).GetUtcNow();
        Upload upload = await store.CreateAsync(new Upload
        {
            Id = UploadStore.NewId(),
            FileName = Path.GetFileName(request.FileName!.Trim()),
            Length = request.Length,
            Sha256 = sha!,
            ContentType = request.ContentType,
            PatientId = string.IsNullOrWhiteSpace(request.PatientId) ? null : request.PatientId.Trim(),
            UserId = scope.Caller.UserId,
            SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
            InstitutionId = institution,
            CommunityId = scope.Caller.CommunityId,
            CreatedAt = now,
            ExpiresAt = now + store.Options.Expiry,
        }, http.RequestAborted);
        await audit.RecordAsync(http, "uploads.create", Resource(upload.Id), upload.PatientId, "ok");
        Headers(http, store, upload);
        return Results.Created($"/api/uploads/{upload.Id}", UploadView.From(upload, 0));
    }

    private static async Task<IResult> HeadAsync(string id, HttpContext http, UploadStore store, AuditTrail audit)
    {
        (Upload? upload, IResult? refusal) = await LoadAsync(http, store, audit, id, "uploads.read");
        if (upload is null)
        {
            return refusal!;
        }

        Headers(http, store, upload);
        return Results.Ok();
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, UploadStore store, UploadProcessor processor, AuditTrail audit)
    {
        (Upload? upload, IResult? refusal) = await LoadAsync(http, store, audit, id, "uploads.read");
        if (upload is null)
        {
            return refusal!;
        }

        upload = await processor.WithCaseAsync(upload);
        Headers(http, store, upload);
        return Results.Ok(UploadView.From(upload, store.OffsetOf(upload)));
    }

    private static async Task<IResult> PatchAsync(string id, HttpContext http, UploadStore store, UploadProcessor processor, AuditTrail audit, TimeProvider? clock)
    {
        (Upload? upload, IResult? refusal) = await LoadAsync(http, store, audit, id, "uploads.append");
        if (upload is null)
        {
            return refusal!;
        }

        if (!string.Equals(http.Request.ContentType, ChunkContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: $"a chunk is sent as {ChunkContentType}");
        }

        if (!long.TryParse(http.Request.Headers[OffsetHeader], NumberStyles.None, CultureInfo.InvariantCulture, out long offset))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"{OffsetHeader} header required",
                detail: "the offset (bytes already received) this chunk starts at; HEAD tells the current one");
        }

        // The chunk is bounded by the declared length below, not by Kestrel's default request body limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        long received;
        bool complete;
        using (IDisposable? held = await store.LockAsync(id, LockWait, http.RequestAborted))
        {
            if (held is null)
            {
                Headers(http, store, upload);
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "another request is appending to this upload",
                    detail: "ask for the offset (HEAD) and send again");
            }

            upload = store.Find(id);
            if (upload is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"no upload {id}", detail: "it was cancelled or expired");
            }

            if (upload.State != UploadState.Receiving)
            {
                Headers(http, store, upload);
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "the upload is complete",
                    detail: $"it is {upload.State}; GET shows the result");
            }

            long current = store.OffsetOf(upload);
            if (offset != current)
            {
                Headers(http, store, upload);
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "offset mismatch",
                    detail: $"the chunk starts at {offset} but {current} bytes are received; resume from {current}",
                    extensions: new Dictionary<string, object?> { ["offset"] = current });
            }

            (received, bool overflow, bool interrupted) = await store.AppendAsync(upload, http.Request.Body, http.RequestAborted);
            upload = await store.SaveAsync(upload with { ExpiresAt = (clock ?? TimeProvider.System).GetUtcNow() + store.Options.Expiry }, CancellationToken.None);
            if (interrupted)
            {
                return Results.Empty; // nobody is listening; the client resumes from the offset HEAD gives
            }

            if (overflow)
            {
                Headers(http, store, upload);
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "the chunk runs past the declared length",
                    detail: $"the upload declared {upload.Length} bytes; the bytes beyond it were not kept");
            }

            complete = received == upload.Length;
            if (complete)
            {
                string hash = await processor.HashAsync(upload, CancellationToken.None);
                if (hash != upload.Sha256)
                {
                    store.Delete(id);
                    await audit.RecordAsync(http, "uploads.complete", Resource(id), upload.PatientId, "checksum-mismatch");
                    return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "checksum mismatch: the upload is discarded",
                        detail: $"the {upload.Length} bytes received have SHA-256 {hash}, the upload declared {upload.Sha256}; start a new upload");
                }

                upload = await store.SaveAsync(upload with { State = UploadState.Processing }, CancellationToken.None);
            }
        }

        if (!complete)
        {
            Headers(http, store, upload);
            return Results.NoContent();
        }

        Upload done;
        try
        {
            done = await processor.ProcessAsync(upload).WaitAsync(http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return Results.Empty; // processing goes on; GET tells the result
        }

        await audit.RecordAsync(http, "uploads.complete", Resource(id), done.PatientId, done.State == UploadState.Stored ? "ok" : "failed");
        Headers(http, store, done);
        return Results.Ok(UploadView.From(done, store.OffsetOf(done)));
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, UploadStore store, AuditTrail audit)
    {
        (Upload? upload, IResult? refusal) = await LoadAsync(http, store, audit, id, "uploads.cancel");
        if (upload is null)
        {
            return refusal!;
        }

        using (IDisposable? held = await store.LockAsync(id, LockWait, http.RequestAborted))
        {
            if (held is null || store.Find(id) is not { State: not UploadState.Processing })
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "the upload is busy",
                    detail: "it is being appended to or processed; try again");
            }

            store.Delete(id);
        }

        await audit.RecordAsync(http, "uploads.cancel", Resource(id), upload.PatientId, "ok");
        return Results.NoContent();
    }

    /// <summary>The upload when the caller may use it: staff of its institution (in its community); else 404 or 403, audited.</summary>
    private static async Task<(Upload? Upload, IResult? Refusal)> LoadAsync(HttpContext http, UploadStore store, AuditTrail audit, string id, string action)
    {
        Upload? upload = store.Find(id);
        if (upload is null)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"no upload {id}", detail: "it was never made, was cancelled, or expired"));
        }

        AccessScope scope = http.Scope();
        if (!scope.IsStaff || scope.Caller.InstitutionId != upload.InstitutionId || scope.Caller.CommunityId != upload.CommunityId)
        {
            await audit.RecordAsync(http, action, Resource(id), upload.PatientId, "denied", upload.CommunityId);
            return (null, Results.Forbid());
        }

        return (upload, null);
    }

    private static string Resource(string id) => $"upload/{id}";

    private static void Headers(HttpContext http, UploadStore store, Upload upload)
    {
        http.Response.Headers[OffsetHeader] = store.OffsetOf(upload).ToString(CultureInfo.InvariantCulture);
        http.Response.Headers[LengthHeader] = upload.Length.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
    }
}

/// <summary>POST /api/uploads: what is about to be sent. <see cref="Institution"/> defaults to the caller's own (the only one allowed).</summary>
internal sealed record NewUpload(string? FileName, long Length, string? Sha256, string? ContentType = null, string? PatientId = null, string? Institution = null);

/// <summary>An upload as the client sees it.</summary>
internal sealed record UploadView(
    string UploadId,
    string FileName,
    long Length,
    long Offset,
    string Sha256,
    UploadState State,
    string? Reason,
    string? Format,
    IReadOnlyList<string> SopInstanceUids,
    string? StudyInstanceUid,
    Guid? CaseId,
    string? OriginalBlobHash,
    IReadOnlyList<string> Warnings,
    string InstitutionId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    public static UploadView From(Upload u, long offset) => new(u.Id, u.FileName, u.Length, offset, u.Sha256, u.State, u.Reason, u.Format,
        u.SopInstanceUids, u.StudyInstanceUid, u.CaseId, u.OriginalBlobHash, u.Warnings, u.InstitutionId, u.CreatedAt, u.ExpiresAt);
}
