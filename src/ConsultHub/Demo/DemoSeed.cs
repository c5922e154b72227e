using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Telemed.DeviceGateway.Devices;
using Telemed.DeviceGateway.Hosting;
using Telemed.DeviceGateway.Ingest;
using Telemed.Dicom.Files;
using Telemed.Grains.Communities;
using Telemed.Grains.Readers;
using Telemed.Storage.Catalog;
using Telemed.ConsultHub.Auth;
using Telemed.ConsultHub.Hosting;
using Telemed.Storage.Accounts;

namespace Telemed.ConsultHub.Demo;

/// <summary>
/// First start with an empty catalog: a demo county medical community (one county hospital, three township health
/// centres, six village clinics), its readers on duty, demo devices on 127.0.0.1 — including DCMTK's default calling
/// titles STORESCU, ECHOSCU and FINDSCU so <c>storescu -aec TELEMED 127.0.0.1 11112 file.dcm</c> works at once — an
/// ECG cart with a stream token, today's worklist, and the sample ECGs and chest X-rays from samples/dicom as open cases. All names
/// are invented. Device tokens are printed once and written to data/demo-credentials.txt.
/// </summary>
internal sealed partial class DemoSeed(
    HubOptions hub, Func<CatalogDbContext> openCatalog, IGrainFactory grains, GatewayService gateway, UserDirectory users, ILogger<DemoSeed> logger) : IHostedService
{
    public const string CommunityId = "demo-county";
    public const string CountyHospital = "county-hospital";
    public const string Dongcun = "township-dongcun";

    private static readonly Institution[] Institutions =
    [
        new(CountyHospital, "示范县人民医院 Demo County People's Hospital", InstitutionLevel.County, null),
        new(Dongcun, "东村乡卫生院 Dongcun Township Health Centre", InstitutionLevel.Township, CountyHospital),
        new("township-xishan", "西山乡卫生院 Xishan Township Health Centre", InstitutionLevel.Township, CountyHospital),
        new("township-nanhe", "南河镇卫生院 Nanhe Town Health Centre", InstitutionLevel.Township, CountyHospital),
        new("village-dongcun-1", "东村一村卫生室 Dongcun Village 1 Clinic", InstitutionLevel.Village, Dongcun),
        new("village-dongcun-2", "东村二村卫生室 Dongcun Village 2 Clinic", InstitutionLevel.Village, Dongcun),
        new("village-xishan-1", "西山一村卫生室 Xishan Village 1 Clinic", InstitutionLevel.Village, "township-xishan"),
        new("village-xishan-2", "西山二村卫生室 Xishan Village 2 Clinic", InstitutionLevel.Village, "township-xishan"),
        new("village-nanhe-1", "南河一村卫生室 Nanhe Village 1 Clinic", InstitutionLevel.Village, "township-nanhe"),
        new("village-nanhe-2", "南河二村卫生室 Nanhe Village 2 Clinic", InstitutionLevel.Village, "township-nanhe"),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using CatalogDbContext catalog = openCatalog();
        // Cluster processes starting together take turns: the first seeds, the others then find the devices.
        await using (await CatalogDatabase.LockAsync(catalog, "telemed.demo-seed", cancellationToken).ConfigureAwait(false))
        {
            if (await catalog.Devices.AnyAsync(cancellationToken).ConfigureAwait(false))
            {
                // Seeded before (or a real installation): never touch existing data; a demo seeded before users
                // existed gets its users now.
                if (await catalog.Devices.AnyAsync(d => d.Id == "cart-dongcun-1", cancellationToken).ConfigureAwait(false)
                    && !await users.AnyAsync(cancellationToken).ConfigureAwait(false))
                {
                    await SeedUsersAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            await SeedAsync(catalog, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedAsync(CatalogDbContext catalog, CancellationToken cancellationToken)
    {
        await DefineCommunityAsync().ConfigureAwait(false);
        string cartToken = DeviceTokens.NewToken();
        catalog.Devices.AddRange(Devices(cartToken));
        catalog.Worklist.AddRange(Worklist(DateTime.Now));
        await catalog.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await gateway.Devices.ReloadAsync(cancellationToken).ConfigureAwait(false);
        await WriteCredentialsAsync(cartToken, cancellationToken).ConfigureAwait(false);
        await SeedUsersAsync(cancellationToken).ConfigureAwait(false);
        await IngestSampleEcgsAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DefineCommunityAsync()
    {
        ICommunityGrain community = grains.GetGrain<ICommunityGrain>(CommunityId);
        foreach (Institution institution in Institutions)
        {
            await community.DefineInstitutionAsync(institution).ConfigureAwait(false);
        }

        await community.DefineDepartmentAsync(new Department("cardiology", CountyHospital, "心内科 Cardiology", Specialty.Cardiology, "card-chen")).ConfigureAwait(false);
        await community.DefineDepartmentAsync(new Department("radiology", CountyHospital, "放射科 Radiology", Specialty.Radiology, "rad-liu")).ConfigureAwait(false);
        await community.EnrolReaderAsync(new ReaderEnrolment("card-wang", "王医生 Dr Wang (cardiology)", CountyHospital, [Specialty.Cardiology])).ConfigureAwait(false);
        await community.EnrolReaderAsync(new ReaderEnrolment("card-chen", "陈主任 Dr Chen (head of cardiology)", CountyHospital, [Specialty.Cardiology])).ConfigureAwait(false);
        await community.EnrolReaderAsync(new ReaderEnrolment("rad-liu", "刘医生 Dr Liu (radiology)", CountyHospital, [Specialty.Radiology])).ConfigureAwait(false);
        await grains.GetGrain<IReaderGrain>("card-wang").StartDutyAsync().ConfigureAwait(false);
        await grains.GetGrain<IReaderGrain>("rad-liu").StartDutyAsync().ConfigureAwait(false);
    }

    private static IEnumerable<Device> Devices(string cartToken)
    {
        const string Loopback = "127.0.0.1, ::1";
        yield return new Device { Id = "dcmtk-storescu", Name = "DCMTK storescu (try-it device)", Kind = DeviceKind.Workstation, InstitutionId = Dongcun, AeTitle = "STORESCU", AllowedAddresses = Loopback, MaxAssociations = 16 };
        yield return new Device { Id = "dcmtk-echoscu", Name = "DCMTK echoscu (try-it device)", Kind = DeviceKind.Workstation, InstitutionId = Dongcun, AeTitle = "ECHOSCU", AllowedAddresses = Loopback };
        yield return new Device { Id = "dcmtk-findscu", Name = "DCMTK findscu (try-it device)", Kind = DeviceKind.Workstation, InstitutionId = Dongcun, AeTitle = "FINDSCU", AllowedAddresses = Loopback };
        yield return new Device { Id = "dr-dongcun", Name = "东村 DR", Kind = DeviceKind.DigitalRadiography, InstitutionId = Dongcun, AeTitle = "DR_DONGCUN", AllowedAddresses = Loopback };
        yield return new Device { Id = "cart-dongcun-1", Name = "东村 12-lead ECG cart", Kind = DeviceKind.EcgCart, InstitutionId = Dongcun, AeTitle = "ECG_DONGCUN", AllowedAddresses = Loopback, TokenHash = DeviceTokens.Hash(cartToken) };
    }

    private static IEnumerable<WorklistItem> Worklist(DateTime today)
    {
        string date = today.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        yield return Step("DEMO-0001", "Wang^Wu=王^五", "19580312", "M", "CR", "083000", "Chest PA", "A20260001");
        yield return Step("DEMO-0002", "Zhao^Liu=赵^六", "19640705", "F", "DX", "093000", "Chest PA", "A20260002");
        yield return Step("DEMO-0003", "Li^Si=李^四", "19710119", "M", "ECG", "103000", "Resting 12-lead ECG", "A20260003");

        WorklistItem Step(string patientId, string name, string birth, string sex, string modality, string time, string description, string accession) => new()
        {
            InstitutionId = Dongcun,
            PatientId = patientId,
            PatientName = name,
            PatientBirthDate = birth,
            PatientSex = sex,
            AccessionNumber = accession,
            RequestedProcedureId = "RP" + accession[^4..],
            RequestedProcedureDescription = description,
            StudyInstanceUid = Telemed.Dicom.Data.DicomUids.FromName("telemed-demo-worklist-" + accession),
            Modality = modality,
            ScheduledStartDate = date,
            ScheduledStartTime = time,
            ScheduledProcedureStepId = "SPS" + accession[^4..],
            ScheduledProcedureStepDescription = description,
        };
    }

    private async Task WriteCredentialsAsync(string cartToken, CancellationToken cancellationToken)
    {
        string path = Path.Combine(hub.DataDirectory, "demo-credentials.txt");
        var text = new StringBuilder()
            .AppendLine("Telemed demo credentials (shown once; keep this file private or delete it)")
            .AppendLine(CultureInfo.InvariantCulture, $"ECG cart device id: cart-dongcun-1  token: {cartToken}")
            .AppendLine("DICOM devices (no secret; AE title + address): STORESCU, ECHOSCU, FINDSCU, DR_DONGCUN from 127.0.0.1")
            .ToString();
        await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        LogCredentials(logger, text, path);
    }

    /// <summary>
    /// One user per role with a random password, printed once and appended to data/demo-credentials.txt as lines
    /// <c>user: ID  role: ROLE  institution: INSTITUTION  password: PASSWORD</c>. The readers reuse the reader ids.
    /// </summary>
    private async Task SeedUsersAsync(CancellationToken cancellationToken)
    {
        (string Id, string Name, UserRole Role, string Institution)[] people =
        [
            ("doc-dongcun-1", "赵医生 Dr Zhao (Dongcun Village 1 clinic)", UserRole.VillageDoctor, "village-dongcun-1"),
            ("staff-dongcun", "孙护士 Nurse Sun (Dongcun Township)", UserRole.TownshipStaff, Dongcun),
            ("card-wang", "王医生 Dr Wang (cardiology)", UserRole.Cardiologist, CountyHospital),
            ("card-chen", "陈主任 Dr Chen (head of cardiology)", UserRole.Cardiologist, CountyHospital),
            ("rad-liu", "刘医生 Dr Liu (radiology)", UserRole.Radiologist, CountyHospital),
            ("admin-county", "周管理员 Admin Zhou", UserRole.CommunityAdmin, CountyHospital),
            ("auditor-county", "吴审计 Auditor Wu", UserRole.Auditor, CountyHospital),
        ];
        var text = new StringBuilder().AppendLine("Demo users (sign in at POST /api/auth/login):");
        foreach ((string id, string name, UserRole role, string institution) in people)
        {
            string password = PasswordPolicy.Generate();
            if (await users.CreateAsync(new NewUser(id, name, role, CommunityId, institution, password), cancellationToken).ConfigureAwait(false))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"user: {id}  role: {role}  institution: {institution}  password: {password}");
            }
        }

        string path = Path.Combine(hub.DataDirectory, "demo-credentials.txt");
        await File.AppendAllTextAsync(path, text.ToString(), cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        LogCredentials(logger, text.ToString(), path);
    }

    /// <summary>The repository's synthetic ECGs and chest X-rays, as if Dongcun's devices had sent them: they open demo cases.</summary>
    private async Task IngestSampleEcgsAsync(CancellationToken cancellationToken)
    {
        string? samples = FindSamples();
        if (samples is null)
        {
            LogNoSamples(logger);
            return;
        }

        // The ECGs as if the Dongcun cart sent them, the chest X-ray phantoms as if its DR did (radiology cases).
        IEnumerable<(string Path, string AeTitle, string DeviceId)> files =
        [
            .. Directory.EnumerateFiles(samples, "ecg-*.dcm").Order().Select(p => (p, "ECG_DONGCUN", "cart-dongcun-1")),
            .. Directory.EnumerateFiles(samples, "cr-*.dcm").Concat(Directory.EnumerateFiles(samples, "dx-*.dcm")).Order().Select(p => (p, "DR_DONGCUN", "dr-dongcun")),
        ];
        foreach ((string path, string aeTitle, string deviceId) in files)
        {
            DicomFile file = DicomFile.Open(path);
            using var part10 = new MemoryStream();
            file.Write(part10);
            byte[] bytes = part10.ToArray();
            // The data set follows the preamble, "DICM" and the meta group whose length (0002,0000) gives.
            int start = 144 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140, 4));
            DicomIngestResult result = await gateway.Ingest.IngestAsync(new DicomIngestRequest
            {
                SopClassUid = file.Dataset.GetUid(Telemed.Dicom.Dictionary.DicomDictionary.GetTag("SOPClassUID")),
                SopInstanceUid = file.Dataset.GetUid(Telemed.Dicom.Dictionary.DicomDictionary.GetTag("SOPInstanceUID")),
                TransferSyntaxUid = file.TransferSyntax.Uid,
                SourceAeTitle = aeTitle,
                DeviceId = deviceId,
                InstitutionId = Dongcun,
            }, PipeReader.Create(new System.Buffers.ReadOnlySequence<byte>(bytes.AsMemory(start))), cancellationToken).ConfigureAwait(false);
            string name = Path.GetFileName(path);
            LogSample(logger, name, result.Status);
        }
    }

    private static string? FindSamples()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "samples", "dicom");
                if (File.Exists(Path.Combine(candidate, "ecg-inferior-stemi-utf8.dcm")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "demo seeded; {Credentials}(also written to {Path})")]
    private static partial void LogCredentials(ILogger logger, string credentials, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "samples/dicom not found: the demo starts without sample ECG cases")]
    private static partial void LogNoSamples(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "demo sample {File} ingested with status {Status:X4}")]
    private static partial void LogSample(ILogger logger, string file, ushort status);
}
