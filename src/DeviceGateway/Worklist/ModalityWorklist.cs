using Microsoft.EntityFrameworkCore;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Text;
using Telemed.Storage.Catalog;

namespace Telemed.DeviceGateway.Worklist;

/// <summary>
/// The Modality Worklist Information Model – FIND (PS3.4 Annex K): matches a C-FIND identifier against the
/// institution's open scheduled procedure steps and answers with the requested attributes. Replies are in UTF-8
/// (ISO_IR 192) so Chinese names reach the modality intact.
/// </summary>
public sealed class ModalityWorklist(Func<CatalogDbContext> openContext)
{
    private static readonly DicomCharacterSet Utf8 = DicomCharacterSet.FromSpecificCharacterSet("ISO_IR 192");

    // Top-level return keys (PS3.4 Table K.6-1) and where their values come from.
    private static readonly (string Keyword, Func<WorklistItem, string?> Value, Kind Kind)[] TopLevel =
    [
        ("AccessionNumber", w => w.AccessionNumber, Kind.Text),
        ("ReferringPhysicianName", w => w.ReferringPhysicianName, Kind.Name),
        ("PatientName", w => w.PatientName, Kind.Name),
        ("PatientID", w => w.PatientId, Kind.Text),
        ("PatientBirthDate", w => w.PatientBirthDate, Kind.Range),
        ("PatientSex", w => w.PatientSex, Kind.Text),
        ("StudyInstanceUID", w => w.StudyInstanceUid, Kind.Text),
        ("RequestedProcedureDescription", w => w.RequestedProcedureDescription, Kind.Text),
        ("RequestedProcedureID", w => w.RequestedProcedureId, Kind.Text),
    ];

    // Keys inside the Scheduled Procedure Step Sequence (0040,0100).
    private static readonly (string Keyword, Func<WorklistItem, string?> Value, Kind Kind)[] StepLevel =
    [
        ("Modality", w => w.Modality, Kind.Text),
        ("ScheduledStationAETitle", w => w.ScheduledStationAeTitle, Kind.Text),
        ("ScheduledProcedureStepStartDate", w => w.ScheduledStartDate, Kind.Range),
        ("ScheduledProcedureStepStartTime", w => w.ScheduledStartTime, Kind.Range),
        ("ScheduledProcedureStepDescription", w => w.ScheduledProcedureStepDescription, Kind.Text),
        ("ScheduledProcedureStepID", w => w.ScheduledProcedureStepId, Kind.Text),
    ];

    private enum Kind
    {
        Text,
        Name,
        Range,
    }

    /// <summary>Matching steps of <paramref name="institutionId"/> (the calling device's), as C-FIND responses.</summary>
    public async Task<IReadOnlyList<DicomDataset>> FindAsync(DicomDataset identifier, string institutionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        await using CatalogDbContext context = openContext();
        List<WorklistItem> open = await context.Worklist.AsNoTracking()
            .Where(w => w.InstitutionId == institutionId && !w.Completed)
            .OrderBy(w => w.ScheduledStartDate).ThenBy(w => w.ScheduledStartTime).ThenBy(w => w.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        DicomDataset? stepKeys = StepKeys(identifier);
        var responses = new List<DicomDataset>();
        foreach (WorklistItem item in open)
        {
            if (Matches(identifier, TopLevel, item) && (stepKeys is null || Matches(stepKeys, StepLevel, item)))
            {
                responses.Add(Response(identifier, stepKeys, item));
            }
        }

        return responses;
    }

    private static DicomDataset? StepKeys(DicomDataset identifier)
    {
        DicomTag tag = DicomDictionary.GetTag("ScheduledProcedureStepSequence");
        if (!identifier.TryGetElement(tag, out DicomElement? element) || element is not DicomSequence sequence)
        {
            return null;
        }

        // PS3.4 §C.2.2.2.6: a sequence key holds at most one item; an empty sequence asks for all its attributes.
        return sequence.Items.Count == 0 ? new DicomDatasetBuilder().Build() : sequence.Items[0];
    }

    private static bool Matches(DicomDataset keys, (string Keyword, Func<WorklistItem, string?> Value, Kind Kind)[] table, WorklistItem item)
    {
        foreach (var (keyword, value, kind) in table)
        {
            string? key = keys.GetStringOrNull(DicomDictionary.GetTag(keyword));
            bool match = kind switch
            {
                Kind.Name => AttributeMatching.PersonName(key, value(item)),
                Kind.Range => AttributeMatching.Range(key, value(item)),
                _ => AttributeMatching.Text(key, value(item)),
            };
            if (!match)
            {
                return false;
            }
        }

        return true;
    }

    private static DicomDataset Response(DicomDataset identifier, DicomDataset? stepKeys, WorklistItem item)
    {
        var response = new DicomDatasetBuilder(Utf8);
        foreach (var (keyword, value, _) in TopLevel)
        {
            if (identifier.Contains(DicomDictionary.GetTag(keyword)))
            {
                response.Add(keyword, Values(value(item)));
            }
        }

        if (stepKeys is not null)
        {
            DicomDatasetBuilder step = response.CreateItem();
            bool all = stepKeys.Count == 0;
            foreach (var (keyword, value, _) in StepLevel)
            {
                if (all || stepKeys.Contains(DicomDictionary.GetTag(keyword)))
                {
                    step.Add(keyword, Values(value(item)));
                }
            }

            response.AddSequence("ScheduledProcedureStepSequence", step);
        }

        return response.Build();
    }

    private static string[] Values(string? value) => string.IsNullOrEmpty(value) ? [] : [value];
}
