using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Telemed.Dicom;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Measurements;
using Telemed.Grains.Cases;
using Telemed.Grains.Reports;
using Telemed.Storage.Catalog;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// The global measurements of a case's ECG, each from the best place that has it: the report's field (what the reader
/// signed), else the stored DICOM ECG's waveform annotations (LOINC-coded numeric values, PS3.3 C.10.10), else the ECG
/// analysis run now on that stored waveform — the same pipeline the ingest and `telemed ecg analyze` run
/// (EcgWaveformReader → EcgAnalyzer). The case itself keeps only the analysis' flags, so the numbers are computed
/// from the blob when nobody stored them. Blobs never change, so results are cached by blob hash.
/// </summary>
internal sealed partial class EcgMeasurementSource(Func<CatalogDbContext> openCatalog, Func<string, string> blobPath, ILogger<EcgMeasurementSource> logger)
{
    private const int CacheSize = 256;

    private readonly ConcurrentDictionary<string, WaveformMeasurements> cache = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<EcgMeasurement>> MeasureAsync(CaseView view, ReportContent? report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        var found = new Dictionary<string, EcgMeasurement>(StringComparer.Ordinal);
        if (report is { Template: ReportTemplateKind.RestingEcg })
        {
            foreach ((EcgMeasurementCode code, string field) in ReportFields)
            {
                if (double.TryParse(report.Field(field), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
                {
                    found[code.Loinc] = new EcgMeasurement(code, value, EcgMeasurementOrigin.Report);
                }
            }
        }

        if (view.Kind == CaseKind.EcgRead && found.Count < FhirCodes.EcgMeasurements.Count && await EcgInstanceAsync(view, cancellationToken) is { } ecg)
        {
            WaveformMeasurements stored = await MeasureWaveformAsync(ecg, cancellationToken);
            foreach (EcgMeasurement measurement in stored.Measurements)
            {
                found.TryAdd(measurement.Code.Loinc, measurement);
            }
        }

        return [.. FhirCodes.EcgMeasurements.Where(c => found.ContainsKey(c.Loinc)).Select(c => found[c.Loinc])];
    }

    /// <summary>The report template's fields that carry a measurement (ReportTemplates.RestingEcg).</summary>
    private static readonly (EcgMeasurementCode Code, string Field)[] ReportFields =
    [
        (FhirCodes.HeartRate, ReportTemplates.HeartRate),
        (FhirCodes.PrInterval, ReportTemplates.Pr),
        (FhirCodes.QrsDuration, ReportTemplates.Qrs),
        (FhirCodes.QtInterval, ReportTemplates.Qt),
        (FhirCodes.QtcInterval, ReportTemplates.Qtc),
        (FhirCodes.QrsAxis, ReportTemplates.Axis),
    ];

    /// <summary>The newest stored version of the case's first ECG waveform object, if the catalog has one.</summary>
    private async Task<StoredEcg?> EcgInstanceAsync(CaseView view, CancellationToken cancellationToken)
    {
        if (view.Studies.Count == 0)
        {
            return null;
        }

        string[] studies = [.. view.Studies];
        await using CatalogDbContext catalog = openCatalog();
        StoredEcg? row = await catalog.Instances.AsNoTracking()
            .Where(i => studies.Contains(i.StudyInstanceUid) && i.Modality == "ECG")
            .OrderBy(i => i.SopInstanceUid).ThenByDescending(i => i.Version)
            .Select(i => new StoredEcg(i.BlobHash, i.StudyInstanceUid, i.SopInstanceUid))
            .FirstOrDefaultAsync(cancellationToken);
        return row;
    }

    private async Task<WaveformMeasurements> MeasureWaveformAsync(StoredEcg ecg, CancellationToken cancellationToken)
    {
        string blobHash = ecg.BlobHash;
        if (cache.TryGetValue(blobHash, out WaveformMeasurements? known))
        {
            return known;
        }

        // Reading and analysing a 10 s 12-lead ECG is CPU work of a fraction of a second: off the request's thread.
        WaveformMeasurements measured = await Task.Run(() => Measure(blobPath(blobHash), ecg), cancellationToken);
        if (measured.Cacheable)
        {
            if (cache.Count >= CacheSize)
            {
                cache.Clear();
            }

            cache[blobHash] = measured;
        }

        return measured;
    }

    private WaveformMeasurements Measure(string path, StoredEcg ecg)
    {
        string sopInstanceUid = ecg.SopInstanceUid;
        DicomFile file;
        try
        {
            file = DicomFile.Open(path);
        }
        catch (Exception e) when (e is IOException or DicomException or UnauthorizedAccessException)
        {
            // A catalog row whose blob is gone or unreadable: the report simply has no measurements from it. Not
            // cached, so a blob restored from backup is read next time.
            LogUnreadable(logger, sopInstanceUid, e.Message);
            return new WaveformMeasurements([], Cacheable: false);
        }

        if (!EcgWaveformReader.IsEcg(file.Dataset))
        {
            return new WaveformMeasurements([], Cacheable: true);
        }

        var annotated = new Dictionary<string, EcgMeasurement>(StringComparer.Ordinal);
        foreach (EcgWaveformAnnotation annotation in EcgWaveformReader.ReadAnnotations(file.Dataset))
        {
            if (annotation is { Concept: { } concept, NumericValue: double value } && concept.Scheme.Equals("LN", StringComparison.OrdinalIgnoreCase)
                && FhirCodes.EcgMeasurements.FirstOrDefault(c => c.Loinc == concept.Value) is { } code
                && (annotation.Unit is null || annotation.Unit.Value == code.UcumCode) && double.IsFinite(value))
            {
                annotated.TryAdd(code.Loinc, new EcgMeasurement(code, value, EcgMeasurementOrigin.Waveform, ecg.StudyInstanceUid, sopInstanceUid));
            }
        }

        if (annotated.Count > 0)
        {
            return new WaveformMeasurements([.. annotated.Values], Cacheable: true);
        }

        try
        {
            EcgAnalysis analysis = EcgAnalyzer.Analyze(EcgWaveformReader.Read(file, sopInstanceUid), EcgPatientContext.FromDataset(file.Dataset));
            RestingEcgMeasurements m = analysis.Measurements;
            (EcgMeasurementCode Code, double? Value)[] values =
            [
                (FhirCodes.HeartRate, m.HeartRateBpm),
                (FhirCodes.PrInterval, m.PrMs),
                (FhirCodes.QrsDuration, m.QrsMs),
                (FhirCodes.QtInterval, m.QtMs),
                // QTc by Bazett, as the ingest writes it into waveform annotations (EcgWaveformWriter).
                (FhirCodes.QtcInterval, m.QtcBazettMs),
                (FhirCodes.QrsAxis, m.FrontalAxisDegrees),
            ];
            return new WaveformMeasurements(
                [.. values.Where(v => v.Value is double d && double.IsFinite(d))
                    .Select(v => new EcgMeasurement(v.Code, Math.Round(v.Value!.Value), EcgMeasurementOrigin.Computed, ecg.StudyInstanceUid, sopInstanceUid))],
                Cacheable: true);
        }
        catch (Exception e) when (e is DicomException or ArgumentException or InvalidOperationException)
        {
            LogUnreadable(logger, sopInstanceUid, e.Message);
            return new WaveformMeasurements([], Cacheable: true);
        }
    }

    private sealed record StoredEcg(string BlobHash, string StudyInstanceUid, string SopInstanceUid);

    private sealed record WaveformMeasurements(IReadOnlyList<EcgMeasurement> Measurements, bool Cacheable);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECG {SopInstanceUid} gives no measurements for FHIR: {Detail}")]
    private static partial void LogUnreadable(ILogger logger, string sopInstanceUid, string detail);
}
