using R4 = Hl7.Fhir.Model;

namespace Telemed.ConsultHub.Fhir;

/// <summary>
/// An ECG measurement as an Observation (observation.html) contained in its DiagnosticReport (references.html#contained:
/// it has no life outside the report): LOINC code, UCUM quantity, and how it was obtained in Observation.method.
/// </summary>
internal static class EcgObservationMapper
{
    public static R4.Observation Map(EcgMeasurement measurement, R4.ObservationStatus status, R4.ResourceReference subject, string? effective)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        EcgMeasurementCode code = measurement.Code;
        var observation = new R4.Observation
        {
            Id = code.Id,
            Status = status,
            Category = [new R4.CodeableConcept(FhirSystems.ObservationCategory, "procedure", "Procedure")],
            Code = FhirCodes.Loinc(code.Loinc, code.Display),
            Subject = subject,
            Effective = effective is null ? null : new R4.FhirDateTime(effective),
            Value = new R4.Quantity((decimal)measurement.Value, code.UcumCode, FhirSystems.Ucum) { Unit = code.Unit },
            Method = new R4.CodeableConcept
            {
                Text = measurement.Origin switch
                {
                    EcgMeasurementOrigin.Report => "confirmed in the report by the reader",
                    EcgMeasurementOrigin.Waveform => "measurement stored with the DICOM ECG (waveform annotation)",
                    _ => "automatic measurement of the stored DICOM ECG (median beats)",
                },
            },
        };
        if (measurement.StudyInstanceUid is not null)
        {
            // Read or measured from the stored waveform: the study it came from, and which object of it.
            observation.DerivedFrom.Add(new R4.ResourceReference("ImagingStudy/" + measurement.StudyInstanceUid));
            observation.Note.Add(new R4.Annotation { Text = "From ECG waveform SOP Instance " + measurement.SopInstanceUid });
        }

        return observation;
    }
}
