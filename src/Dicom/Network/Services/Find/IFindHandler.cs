using Telemed.Dicom.Data;

namespace Telemed.Dicom.Network;

/// <summary>
/// C-FIND SCP (PS3.4 Annex C, Annex K for the Modality Worklist): each yielded data set goes out as a C-FIND-RSP
/// Pending (FF00) carrying it as the identifier; the end of the enumeration as Success (0000). A C-CANCEL-RQ cancels
/// <paramref name="cancellationToken"/> and is answered with Cancel (FE00). An exception becomes a failure: A700 for
/// an <see cref="IOException"/>, C000 otherwise, with its message as the error comment (PS3.4 §C.4.1.1.4).
/// The identifier is decoded in the context's transfer syntax with its own Specific Character Set; the matches are
/// encoded in the same transfer syntax, each in the character set it was built with.
/// </summary>
public interface IFindHandler
{
    IAsyncEnumerable<DicomDataset> FindAsync(FindRequest request, DicomDataset identifier, CancellationToken cancellationToken);
}
