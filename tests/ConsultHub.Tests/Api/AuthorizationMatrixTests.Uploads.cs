using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Telemed.ConsultHub.Uploads;
using Telemed.DeviceGateway.Hosting;
using Telemed.Dicom.Data;
using Telemed.Storage.Accounts;
using Telemed.Storage.Catalog;
using Xunit;

namespace Telemed.ConsultHub.Tests.Api;

/// <summary>
/// The ECG and upload rows of the matrix. Restated: an ECG is patient data like a study (the institution's staff, the
/// community's readers); uploads are made by staff for their own institution only, and an upload is used (offset,
/// append, cancel) by its institution's staff only; readers, admins and auditors neither upload nor see uploads.
/// </summary>
public sealed partial class AuthorizationMatrixTests
{
    private static readonly ConcurrentDictionary<string, string> EcgAt = new();

    public enum UploadEndpoint
    {
        ReadEcg,
        CreateUpload,
        ReadUpload,
        AppendUpload,
        CancelUpload,
    }

    private static bool UploadAllowed(UserRole role, Target target, UploadEndpoint endpoint)
    {
        bool staff = role is UserRole.VillageDoctor or UserRole.TownshipStaff;
        bool reader = role is UserRole.Cardiologist or UserRole.Radiologist;
        return endpoint switch
        {
            UploadEndpoint.ReadEcg => (staff && target == Target.OwnInstitution) || (reader && target != Target.OtherCommunity),
            _ => staff && target == Target.OwnInstitution,
        };
    }

    public static TheoryData<UserRole, Target, UploadEndpoint> UploadMatrix()
    {
        var data = new TheoryData<UserRole, Target, UploadEndpoint>();
        foreach (UserRole role in Enum.GetValues<UserRole>())
        {
            foreach (Target target in Enum.GetValues<Target>())
            {
                foreach (UploadEndpoint endpoint in Enum.GetValues<UploadEndpoint>())
                {
                    data.Add(role, target, endpoint);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UploadMatrix))]
    public async Task Role_target_upload_endpoint(UserRole role, Target target, UploadEndpoint endpoint)
    {
        string institution = InstitutionFor(role, target);
        using HttpClient client = host.ClientAs(ApiHost.UserOf(role));
        byte[] tenBytes = "0123456789"u8.ToArray();
        using HttpResponseMessage response = endpoint switch
        {
            UploadEndpoint.ReadEcg => await client.GetAsync($"/api/ecgs/{await EcgAtAsync(institution)}"),
            UploadEndpoint.CreateUpload => await client.PostAsJsonAsync("/api/uploads",
                new { fileName = "matrix.scp", length = 10, sha256 = new string('0', 64), institution }),
            UploadEndpoint.ReadUpload => await client.GetAsync($"/api/uploads/{await UploadAtAsync(institution)}"),
            UploadEndpoint.AppendUpload => await client.SendAsync(AppendRequest(await UploadAtAsync(institution), tenBytes)),
            UploadEndpoint.CancelUpload => await client.DeleteAsync($"/api/uploads/{await UploadAtAsync(institution)}"),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };

        if (UploadAllowed(role, target, endpoint))
        {
            Assert.True(response.IsSuccessStatusCode, $"{role} {target} {endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            string body = await response.Content.ReadAsStringAsync();
            switch (endpoint)
            {
                case UploadEndpoint.ReadEcg:
                    Assert.Contains("\"heartRate\"", body, StringComparison.Ordinal);
                    Assert.Contains(EcgAt[institution], body, StringComparison.Ordinal);
                    break;
                case UploadEndpoint.CreateUpload:
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    Assert.Contains($"\"institutionId\":\"{institution}\"", body, StringComparison.Ordinal);
                    break;
                case UploadEndpoint.ReadUpload:
                    Assert.Contains("\"Receiving\"", body, StringComparison.Ordinal);
                    break;
                case UploadEndpoint.AppendUpload:
                    Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                    Assert.Equal("10", Assert.Single(response.Headers.GetValues("Upload-Offset")));
                    break;
                case UploadEndpoint.CancelUpload:
                    Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                    break;
                default:
                    break;
            }
        }
        else
        {
            await Problems.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
    }

    private static HttpRequestMessage AppendRequest(string id, byte[] bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/uploads/{id}") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        request.Headers.Add("Upload-Offset", "0");
        return request;
    }

    /// <summary>A new upload at the institution, made on the store as its staff would (100 bytes declared, none sent).</summary>
    private async Task<string> UploadAtAsync(string institution)
    {
        UploadStore store = host.Services.GetRequiredService<UploadStore>();
        Upload upload = await store.CreateAsync(new Upload
        {
            Id = UploadStore.NewId(),
            FileName = "matrix.dcm",
            Length = 100,
            Sha256 = new string('0', 64),
            UserId = "matrix",
            InstitutionId = institution,
            CommunityId = CommunityOf(institution),
            CreatedAt = DateTimeOffset.UtcNow,
            ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
        }, CancellationToken.None);
        return upload.Id;
    }

    /// <summary>The sample ECG stored for the institution (blob and catalog row, no ingest event: no case is opened).</summary>
    private async Task<string> EcgAtAsync(string institution)
    {
        if (EcgAt.TryGetValue(institution, out string? known))
        {
            return known;
        }

        string sop = DicomUids.FromName("matrix-ecg/" + institution);
        byte[] bytes = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "samples", "dicom", "ecg-normal-sinus-gb18030.dcm"));
        var blob = await host.Services.GetRequiredService<GatewayService>().Blobs.StoreAsync(bytes);
        await using CatalogDbContext catalog = host.Services.GetRequiredService<Func<CatalogDbContext>>()();
        if (!await catalog.Instances.AnyAsync(i => i.SopInstanceUid == sop))
        {
            catalog.Instances.Add(new StoredInstance
            {
                SopInstanceUid = sop,
                SopClassUid = "1.2.840.10008.5.1.4.1.1.9.1.1",
                StudyInstanceUid = sop + ".1",
                SeriesInstanceUid = sop + ".2",
                TransferSyntaxUid = "1.2.840.10008.1.2.1",
                PatientId = ApiHost.PatientAt(institution),
                Modality = "ECG",
                BlobHash = blob.Hash.Hex,
                Length = blob.Length,
                Version = 1,
                ReceivedAtUtc = DateTime.UtcNow,
                InstitutionId = institution,
            });
            await catalog.SaveChangesAsync();
        }

        return EcgAt[institution] = sop;
    }
}
