using Telemed.Storage.Catalog;

namespace Telemed.Storage.Cases;

/// <summary>One page of a case list: the rows (newest first) and how many match in all.</summary>
public sealed record CasePage(int Total, int Offset, int Limit, IReadOnlyList<CaseRecord> Cases);
