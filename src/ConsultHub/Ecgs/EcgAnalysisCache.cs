using Microsoft.Extensions.Caching.Memory;
using Telemed.Dicom;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Analysis;
using Telemed.Storage.Blobs;

namespace Telemed.ConsultHub.Ecgs;

/// <summary>
/// The analysis of a stored ECG waveform object, computed once per blob: a blob's bytes never change (its name is
/// their SHA-256), so the blob hash is a complete cache key, and a new version of the instance is a new blob. A viewer
/// paging through a recording (?from=&amp;to=) asks for the same analysis many times; it costs ~100 ms per 10 s 12-lead.
/// Bounded by entry count: a 10 s 12-lead at 500 Hz is ~0.5 MB of samples.
/// </summary>
public sealed class EcgAnalysisCache : IDisposable
{
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    private readonly MemoryCache cache;
    private readonly BlobStore blobs;

    public EcgAnalysisCache(BlobStore blobs, int capacity = 64)
    {
        this.blobs = blobs;
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity });
    }

    /// <summary>
    /// The recording and its analysis, or null when the blob is no ECG waveform object. Throws
    /// <see cref="DicomException"/>, <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/> when the
    /// waveform cannot be read, <see cref="FileNotFoundException"/> when the blob is missing.
    /// </summary>
    public async Task<EcgAnalysis?> GetAsync(BlobHash blob, string name, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(blob.Hex, out Lazy<Task<EcgAnalysis?>>? cached) && cached is not null)
        {
            return await cached.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var created = new Lazy<Task<EcgAnalysis?>>(() => Task.Run(() => AnalyseAsync(blob, name)));
        Lazy<Task<EcgAnalysis?>> entry = cache.GetOrCreate(blob.Hex, e =>
        {
            e.Size = 1;
            return created;
        })!;
        try
        {
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            cache.Remove(blob.Hex); // a failure (a missing blob, say) is not remembered
            throw;
        }
    }

    private async Task<EcgAnalysis?> AnalyseAsync(BlobHash blob, string name)
    {
        DicomFile file;
        await using (FileStream stream = blobs.OpenRead(blob))
        {
            file = await DicomFile.ReadAsync(stream, HeaderOnly).ConfigureAwait(false);
        }

        if (!EcgWaveformReader.IsEcg(file.Dataset))
        {
            return null;
        }

        var recording = EcgWaveformReader.Read(file, name);
        return EcgAnalyzer.Analyze(recording, EcgPatientContext.FromDataset(file.Dataset));
    }

    public void Dispose() => cache.Dispose();
}
