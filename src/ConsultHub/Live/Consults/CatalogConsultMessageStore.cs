using Microsoft.EntityFrameworkCore;
using Telemed.Grains.Consults;
using Telemed.Storage.Catalog;
using Telemed.Storage.Consults;

namespace Telemed.ConsultHub.Live.Consults;

/// <summary>Consult messages and receipts in the catalog (consult_messages, consult_receipts): one insert per message.</summary>
internal sealed class CatalogConsultMessageStore(Func<CatalogDbContext> openCatalog) : IConsultMessageStore
{
    public async Task<long> LastSequenceAsync(Guid caseId, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        return await catalog.ConsultMessages.AsNoTracking().Where(m => m.CaseId == caseId)
            .MaxAsync(m => (long?)m.Sequence, cancellationToken) ?? 0;
    }

    public async Task AppendAsync(ConsultMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using CatalogDbContext catalog = openCatalog();
        catalog.ConsultMessages.Add(new ConsultMessageRecord
        {
            CaseId = message.CaseId,
            Sequence = message.Sequence,
            SenderId = message.SenderId,
            SentAt = message.SentAt,
            Text = message.Text,
        });
        using CatalogWriteLease turn = await CatalogWriteGate.EnterAsync(catalog, cancellationToken);
        await catalog.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ConsultMessage>> ReadAsync(Guid caseId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        return await catalog.ConsultMessages.AsNoTracking()
            .Where(m => m.CaseId == caseId && m.Sequence > afterSequence)
            .OrderBy(m => m.Sequence)
            .Take(limit)
            .Select(m => new ConsultMessage(m.CaseId, m.Sequence, m.SenderId, m.SentAt, m.Text))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ConsultReceipt>> ReceiptsAsync(Guid caseId, CancellationToken cancellationToken = default)
    {
        await using CatalogDbContext catalog = openCatalog();
        return await catalog.ConsultReceipts.AsNoTracking()
            .Where(r => r.CaseId == caseId)
            .OrderBy(r => r.UserId)
            .Select(r => new ConsultReceipt(r.CaseId, r.UserId, r.DeliveredThrough, r.ReadThrough))
            .ToListAsync(cancellationToken);
    }

    public async Task SaveReceiptAsync(ConsultReceipt receipt, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        await using CatalogDbContext catalog = openCatalog();
        ConsultReceiptRecord? row = await catalog.ConsultReceipts.FindAsync([receipt.CaseId, receipt.UserId], cancellationToken);
        if (row is null)
        {
            catalog.ConsultReceipts.Add(row = new ConsultReceiptRecord { CaseId = receipt.CaseId, UserId = receipt.UserId });
        }

        row.DeliveredThrough = receipt.DeliveredThrough;
        row.ReadThrough = receipt.ReadThrough;
        row.UpdatedAt = at;
        using CatalogWriteLease turn = await CatalogWriteGate.EnterAsync(catalog, cancellationToken);
        await catalog.SaveChangesAsync(cancellationToken);
    }
}
