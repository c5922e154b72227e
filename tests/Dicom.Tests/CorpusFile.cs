namespace Telemed.Dicom.Tests;

/// <summary>One row of ../shared/dicom/MANIFEST.tsv.</summary>
internal sealed record CorpusFile(string RelativePath, string TransferSyntax, bool DcmdumpReadsIt);
