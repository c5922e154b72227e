using System.Runtime.CompilerServices;
using Telemed.Dicom.Data;
using Telemed.Dicom.Network;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Text;

namespace Telemed.Dicom.Tests.Network;

/// <summary>
/// A Modality Worklist over an in-memory list (PS3.4 §K.6.1): matches on Patient ID (single value) and Patient's
/// Name (a trailing '*' wildcard), both as decoded from the identifier's own character set. Optionally waits for
/// cancellation after <c>pauseAfter</c> matches, or throws instead of answering.
/// </summary>
internal sealed class WorklistHandler(IReadOnlyList<DicomDataset> items, int? pauseAfter = null, Exception? failWith = null) : IFindHandler
{
    public static readonly DicomTag PatientName = new(0x0010, 0x0010);
    public static readonly DicomTag PatientId = new(0x0010, 0x0020);

    public List<string?> QueriedNames { get; } = [];

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FindRequest? LastRequest { get; private set; }

    public static DicomDataset Item(string name, string id, string accession)
    {
        var builder = new DicomDatasetBuilder(DicomCharacterSet.FromSpecificCharacterSet("ISO_IR 192"));
        builder.Add("PatientName", name).Add("PatientID", id).Add("AccessionNumber", accession);
        builder.AddSequence("ScheduledProcedureStepSequence", builder.CreateItem().Add("Modality", "ECG").Add("ScheduledStationAETitle", "CART1"));
        return builder.Build();
    }

    public async IAsyncEnumerable<DicomDataset> FindAsync(FindRequest request, DicomDataset identifier, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        LastRequest = request;
        if (failWith is not null)
        {
            throw failWith;
        }

        string? name = identifier.GetStringOrNull(PatientName)?.Trim();
        string? id = identifier.GetStringOrNull(PatientId)?.Trim();
        QueriedNames.Add(name);
        int sent = 0;
        foreach (DicomDataset item in items)
        {
            if (!string.IsNullOrEmpty(id) && item.GetString(PatientId).Trim() != id)
            {
                continue;
            }

            if (!string.IsNullOrEmpty(name) && !(name.EndsWith('*') ? item.GetString(PatientName).StartsWith(name[..^1], StringComparison.Ordinal) : item.GetString(PatientName) == name))
            {
                continue;
            }

            if (pauseAfter is { } pause && sent == pause)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Cancelled.TrySetResult();
                    throw;
                }
            }

            sent++;
            yield return item;
        }
    }
}
