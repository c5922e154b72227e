using System.Globalization;
using Telemed.Storage.Catalog;

namespace Telemed.QidoLoad;

/// <summary>
/// A catalog of synthetic instances in the demo community's institutions: studies of 1–2 series of 1–6 instances,
/// patients with Chinese names in both groups (Wang^Wei=王^伟), dates over 2020–2026, modalities CR, DX, ECG, CT.
/// Deterministic for a seed, so runs compare.
/// </summary>
internal sealed class SyntheticCatalog
{
    public static readonly string[] Institutions = ["township-dongcun", "township-xishan", "township-nanhe", "village-dongcun-1", "county-hospital"];

    private static readonly (string Pinyin, string Hanzi)[] Family =
    [
        ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"), ("Zhao", "赵"), ("Huang", "黄"),
        ("Zhou", "周"), ("Wu", "吴"), ("Xu", "徐"), ("Sun", "孙"), ("Hu", "胡"), ("Zhu", "朱"), ("Gao", "高"), ("Lin", "林"),
        ("He", "何"), ("Guo", "郭"), ("Ma", "马"), ("Luo", "罗"),
    ];

    private static readonly (string Pinyin, string Hanzi)[] Given =
    [
        ("Wei", "伟"), ("Fang", "芳"), ("Na", "娜"), ("Min", "敏"), ("Jing", "静"), ("Li", "丽"), ("Qiang", "强"), ("Lei", "磊"),
        ("Jun", "军"), ("Yang", "洋"), ("Yong", "勇"), ("Yan", "艳"), ("Jie", "杰"), ("Juan", "娟"), ("Tao", "涛"), ("Ming", "明"),
        ("Chao", "超"), ("Xiu", "秀"), ("Xia", "霞"), ("Ping", "平"),
    ];

    private static readonly string[] Modalities = ["CR", "DX", "ECG", "CT"];

    public List<(string Study, string Series, string Sop, string PatientId, string Accession, string Date, string Modality)> Samples { get; } = [];

    public static string NameOf(int patient) =>
        $"{Family[patient % Family.Length].Pinyin}^{Given[patient / Family.Length % Given.Length].Pinyin}={Family[patient % Family.Length].Hanzi}^{Given[patient / Family.Length % Given.Length].Hanzi}";

    public async Task<int> FillAsync(string catalogPath, int instances, int seed, TextWriter log)
    {
        var random = new Random(seed);
        await using (CatalogDbContext migrate = CatalogDatabase.OpenSqlite(catalogPath))
        {
            await CatalogDatabase.MigrateAsync(migrate);
        }

        int written = 0;
        int study = 0;
        var batch = new List<StoredInstance>(5000);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (written < instances)
        {
            study++;
            int patient = random.Next(instances / 4);
            string patientName = NameOf(patient);
            string date = new DateOnly(2020, 1, 1).AddDays(random.Next(7 * 365)).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            string modality = Modalities[random.Next(Modalities.Length)];
            string institution = Institutions[random.Next(Institutions.Length)];
            string studyUid = $"2.25.{seed}.{study}";
            string accession = $"A{study:D8}";
            int seriesCount = random.Next(1, 3);
            for (int s = 1; s <= seriesCount && written < instances; s++)
            {
                string seriesUid = $"{studyUid}.{s}";
                int count = random.Next(1, 7);
                for (int i = 1; i <= count && written < instances; i++)
                {
                    string sop = $"{seriesUid}.{i}";
                    batch.Add(new StoredInstance
                    {
                        SopInstanceUid = sop,
                        SopClassUid = modality == "ECG" ? "1.2.840.10008.5.1.4.1.1.9.1.1" : "1.2.840.10008.5.1.4.1.1.1",
                        StudyInstanceUid = studyUid,
                        SeriesInstanceUid = seriesUid,
                        TransferSyntaxUid = "1.2.840.10008.1.2.1",
                        PatientId = $"P{patient:D6}",
                        PatientName = patientName,
                        PatientNameKey = PersonNameSearchKey.From(patientName),
                        PatientBirthDate = "19600101",
                        PatientSex = patient % 2 == 0 ? "M" : "F",
                        Modality = modality,
                        AccessionNumber = accession,
                        StudyDate = date,
                        StudyTime = "093000",
                        StudyDescription = modality + " synthetic",
                        SeriesNumber = s,
                        InstanceNumber = i,
                        Rows = modality == "ECG" ? null : 512,
                        Columns = modality == "ECG" ? null : 512,
                        BitsAllocated = modality == "ECG" ? null : 16,
                        NumberOfFrames = modality == "ECG" ? null : 1,
                        BlobHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(sop))),
                        Length = 1,
                        Version = 1,
                        ReceivedAtUtc = DateTime.UtcNow,
                        InstitutionId = institution,
                    });
                    written++;
                    if (random.Next(200) == 0)
                    {
                        Samples.Add((studyUid, seriesUid, sop, $"P{patient:D6}", accession, date, modality));
                    }
                }
            }

            if (batch.Count >= 5000 || written >= instances)
            {
                await using CatalogDbContext catalog = CatalogDatabase.OpenSqlite(catalogPath);
                catalog.Instances.AddRange(batch);
                await catalog.SaveChangesAsync();
                batch.Clear();
            }
        }

        log.WriteLine($"catalog: {written} instances in {study} studies, {started.Elapsed.TotalSeconds:F1} s");
        return study;
    }
}
