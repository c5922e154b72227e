using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Telemed.Storage.Catalog;

namespace Telemed.Storage.Patients;

/// <summary>
/// The community patient index (a master patient index per county medical community): finds the patient an
/// institution's local id names, registers new ones, edits them and links further local ids. The key of
/// <c>patient_identifiers</c> — (institution, local id) — is what keeps two writers, in this process or another, from
/// registering the same local id twice: the loser of the race reads the winner's patient.
/// </summary>
public sealed class PatientDirectory(Func<CatalogDbContext> openCatalog, TimeProvider? clock = null)
{
    private const int MaxAttempts = 5;
    private const int MaxLimit = 200;

    private static readonly System.Buffers.SearchValues<char> UpperHex = System.Buffers.SearchValues.Create("0123456789ABCDEF");

    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>Whether <paramref name="value"/> has the form of a community-wide id ("P" + 16 hex digits).</summary>
    public static bool IsCommunityPatientId(string? value) =>
        value is { Length: 17 } && value[0] == 'P' && value.AsSpan(1).IndexOfAnyExcept(UpperHex) < 0;

    /// <summary>
    /// The community patient the institution's local id names; registered with <paramref name="details"/> when there is
    /// none yet. What the ingest of a device's PatientID needs, and what registration at an institution is.
    /// </summary>
    /// <exception cref="InvalidOperationException">The local id names a patient of another community (the institution moved).</exception>
    public async Task<PatientResolution> ResolveAsync(string communityId, string institutionId, string localId, PatientDetails details, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(communityId);
        ArgumentException.ThrowIfNullOrWhiteSpace(institutionId);
        ArgumentException.ThrowIfNullOrWhiteSpace(localId);
        ArgumentNullException.ThrowIfNull(details);
        for (int attempt = 1; ; attempt++)
        {
            await using CatalogDbContext catalog = openCatalog();
            if (await FindByLocalIdAsync(catalog, communityId, institutionId, localId, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return new PatientResolution(found, Created: false);
            }

            using (await CatalogWriteGate.EnterAsync(catalog, cancellationToken).ConfigureAwait(false))
            {
                // Again under the gate: on SQLite the writer before us may just have registered it.
                if (await FindByLocalIdAsync(catalog, communityId, institutionId, localId, cancellationToken).ConfigureAwait(false) is { } registered)
                {
                    return new PatientResolution(registered, Created: false);
                }

                DateTime now = clock.GetUtcNow().UtcDateTime;
                var patient = new Patient
                {
                    Id = NewId(),
                    CommunityId = communityId,
                    Name = details.Name.Trim(),
                    NameKey = PatientName.SearchKey(details.Name),
                    Sex = details.Sex,
                    BirthDate = details.BirthDate,
                    CreatedAtUtc = now,
                    UpdatedAtUtc = now,
                    Version = 1,
                };
                patient.Identifiers.Add(new PatientIdentifier { InstitutionId = institutionId, LocalId = localId, PatientId = patient.Id, AddedAtUtc = now });
                catalog.Patients.Add(patient);
                try
                {
                    await catalog.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return new PatientResolution(patient, Created: true);
                }
                catch (DbUpdateException) when (attempt < MaxAttempts)
                {
                    // Another process registered the same local id first: its patient is found on the next turn.
                }
            }
        }
    }

    /// <summary>The patient with its local ids, or null.</summary>
    public async Task<Patient?> FindAsync(string patientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        await using CatalogDbContext catalog = openCatalog();
        return Sorted(await catalog.Patients.AsNoTracking().Include(p => p.Identifiers)
            .FirstOrDefaultAsync(p => p.Id == patientId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Whether the id names a patient of the community that has not been merged into another.</summary>
    public async Task<bool> ExistsAsync(string patientId, string communityId, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        return await catalog.Patients.AnyAsync(p => p.Id == patientId && p.CommunityId == communityId && p.MergedIntoId == null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Patients of the community matching every given filter (merged duplicates left out), by folded name then id.</summary>
    public async Task<IReadOnlyList<Patient>> SearchAsync(PatientSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        await using CatalogDbContext catalog = openCatalog();
        IQueryable<Patient> patients = catalog.Patients.AsNoTracking().Where(p => p.CommunityId == search.CommunityId && p.MergedIntoId == null);
        if (search.VisibleAt is { } visibleAt)
        {
            patients = patients.Where(p => p.Identifiers.Any(i => i.InstitutionId == visibleAt));
        }

        if (search.InstitutionId is { } institution)
        {
            patients = patients.Where(p => p.Identifiers.Any(i => i.InstitutionId == institution));
        }

        if (search.LocalId is { } localId)
        {
            patients = search.InstitutionId is { } at
                ? patients.Where(p => p.Identifiers.Any(i => i.LocalId == localId && i.InstitutionId == at))
                : patients.Where(p => p.Identifiers.Any(i => i.LocalId == localId));
        }

        if (!string.IsNullOrWhiteSpace(search.Name) && PatientName.SearchKey(search.Name) is { Length: > 0 } key)
        {
            patients = patients.Where(p => p.NameKey.Contains(key));
        }

        List<Patient> page = await patients.OrderBy(p => p.NameKey).ThenBy(p => p.Id)
            .Skip(Math.Max(search.Offset, 0)).Take(Math.Clamp(search.Limit, 1, MaxLimit))
            .Include(p => p.Identifiers)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        page.ForEach(p => Sorted(p));
        return page;
    }

    /// <summary>
    /// Replaces name, sex and birth date when the patient is still at <paramref name="expectedVersion"/> (null: any).
    /// The version is the row's concurrency token, so two edits against the same version cannot both win.
    /// </summary>
    public async Task<PatientChange> UpdateAsync(string patientId, int? expectedVersion, PatientDetails details, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        ArgumentNullException.ThrowIfNull(details);
        await using CatalogDbContext catalog = openCatalog();
        using (await CatalogWriteGate.EnterAsync(catalog, cancellationToken).ConfigureAwait(false))
        {
            Patient? patient = await catalog.Patients.Include(p => p.Identifiers).FirstOrDefaultAsync(p => p.Id == patientId, cancellationToken).ConfigureAwait(false);
            if (patient is null)
            {
                return new PatientChange(PatientChangeOutcome.NotFound, null);
            }

            if (patient.MergedIntoId is not null)
            {
                return new PatientChange(PatientChangeOutcome.Merged, Sorted(patient));
            }

            if (expectedVersion is { } expected && patient.Version != expected)
            {
                return new PatientChange(PatientChangeOutcome.Stale, Sorted(patient));
            }

            patient.Name = details.Name.Trim();
            patient.NameKey = PatientName.SearchKey(details.Name);
            patient.Sex = details.Sex;
            patient.BirthDate = details.BirthDate;
            Touch(patient);
            try
            {
                await catalog.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another process changed it between our read and our write.
                return new PatientChange(PatientChangeOutcome.Stale, await FindAsync(patientId, cancellationToken).ConfigureAwait(false));
            }

            return new PatientChange(PatientChangeOutcome.Changed, Sorted(patient));
        }
    }

    /// <summary>Links the institution's local id to the patient, unless it names another patient already.</summary>
    public async Task<PatientChange> LinkAsync(string patientId, string institutionId, string localId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(institutionId);
        ArgumentException.ThrowIfNullOrWhiteSpace(localId);
        for (int attempt = 1; ; attempt++)
        {
            await using CatalogDbContext catalog = openCatalog();
            using (await CatalogWriteGate.EnterAsync(catalog, cancellationToken).ConfigureAwait(false))
            {
                Patient? patient = await catalog.Patients.Include(p => p.Identifiers).FirstOrDefaultAsync(p => p.Id == patientId, cancellationToken).ConfigureAwait(false);
                if (patient is null)
                {
                    return new PatientChange(PatientChangeOutcome.NotFound, null);
                }

                if (patient.MergedIntoId is not null)
                {
                    return new PatientChange(PatientChangeOutcome.Merged, Sorted(patient));
                }

                string? owner = await catalog.PatientIdentifiers.AsNoTracking()
                    .Where(i => i.InstitutionId == institutionId && i.LocalId == localId)
                    .Select(i => i.PatientId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (owner is not null)
                {
                    return owner == patientId
                        ? new PatientChange(PatientChangeOutcome.Unchanged, Sorted(patient))
                        : new PatientChange(PatientChangeOutcome.Taken, Sorted(patient), owner);
                }

                patient.Identifiers.Add(new PatientIdentifier { InstitutionId = institutionId, LocalId = localId, PatientId = patient.Id, AddedAtUtc = clock.GetUtcNow().UtcDateTime });
                Touch(patient);
                try
                {
                    await catalog.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return new PatientChange(PatientChangeOutcome.Changed, Sorted(patient));
                }
                catch (DbUpdateException) when (attempt < MaxAttempts)
                {
                    // Another process linked this local id or changed the patient meanwhile: look again.
                }
            }
        }
    }

    /// <summary>
    /// Merges a duplicate into the patient it duplicates: every local id of <paramref name="sourceId"/> moves to
    /// <paramref name="targetId"/> (so those institutions' ids now resolve there), and the source is marked merged.
    /// Checked against the source's <paramref name="expectedSourceVersion"/> (null: any); both rows' versions are
    /// concurrency tokens, so an edit or link racing the merge makes it stale instead of being lost. The result carries
    /// the target.
    /// </summary>
    /// <exception cref="ArgumentException">The same patient twice, or patients of two communities.</exception>
    public async Task<PatientChange> MergeAsync(string sourceId, string targetId, int? expectedSourceVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceId);
        ArgumentNullException.ThrowIfNull(targetId);
        if (sourceId == targetId)
        {
            throw new ArgumentException($"patient {sourceId} cannot be merged into itself");
        }

        await using CatalogDbContext catalog = openCatalog();
        using (await CatalogWriteGate.EnterAsync(catalog, cancellationToken).ConfigureAwait(false))
        {
            await using var transaction = await catalog.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            Patient? source = await catalog.Patients.Include(p => p.Identifiers).FirstOrDefaultAsync(p => p.Id == sourceId, cancellationToken).ConfigureAwait(false);
            Patient? target = await catalog.Patients.Include(p => p.Identifiers).FirstOrDefaultAsync(p => p.Id == targetId, cancellationToken).ConfigureAwait(false);
            if (source is null || target is null)
            {
                return new PatientChange(PatientChangeOutcome.NotFound, null);
            }

            if (source.CommunityId != target.CommunityId)
            {
                throw new ArgumentException($"patients {sourceId} and {targetId} belong to different communities");
            }

            if (source.MergedIntoId is not null || target.MergedIntoId is not null)
            {
                return new PatientChange(PatientChangeOutcome.Merged, Sorted(target));
            }

            if (expectedSourceVersion is { } expected && source.Version != expected)
            {
                return new PatientChange(PatientChangeOutcome.Stale, Sorted(source));
            }

            foreach (PatientIdentifier identifier in source.Identifiers.ToList())
            {
                source.Identifiers.Remove(identifier);
                identifier.PatientId = target.Id;
                target.Identifiers.Add(identifier);
            }

            source.MergedIntoId = target.Id;
            Touch(source);
            Touch(target);
            try
            {
                await catalog.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateConcurrencyException)
            {
                return new PatientChange(PatientChangeOutcome.Stale, await FindAsync(sourceId, cancellationToken).ConfigureAwait(false));
            }

            return new PatientChange(PatientChangeOutcome.Changed, Sorted(target));
        }
    }

    private static async Task<Patient?> FindByLocalIdAsync(CatalogDbContext catalog, string communityId, string institutionId, string localId, CancellationToken cancellationToken)
    {
        Patient? patient = await catalog.Patients.AsNoTracking().Include(p => p.Identifiers)
            .FirstOrDefaultAsync(p => p.Identifiers.Any(i => i.InstitutionId == institutionId && i.LocalId == localId), cancellationToken).ConfigureAwait(false);
        if (patient is not null && patient.CommunityId != communityId)
        {
            throw new InvalidOperationException($"local id {localId} of {institutionId} names patient {patient.Id} of community {patient.CommunityId}, not {communityId}");
        }

        return Sorted(patient);
    }

    private void Touch(Patient patient)
    {
        patient.Version++;
        patient.UpdatedAtUtc = clock.GetUtcNow().UtcDateTime;
    }

    private static Patient? Sorted(Patient? patient)
    {
        patient?.Identifiers.Sort((a, b) => string.CompareOrdinal(a.InstitutionId, b.InstitutionId) is var byInstitution and not 0
            ? byInstitution : string.CompareOrdinal(a.LocalId, b.LocalId));
        return patient;
    }

    private static string NewId() => "P" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
}
