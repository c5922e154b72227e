using System.Runtime.InteropServices;

namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>
/// An optional shared library behind a codec (Debian's libcharls2, libopenjp2-7), loaded on first use and bound to
/// <typeparamref name="TExports"/>. Absence is an expected state, not a bug: <see cref="TryGetExports"/> then gives
/// the "codec not available" reason instead of letting a DllNotFoundException escape from a decode.
/// </summary>
internal sealed class NativeCodecLibrary<TExports>(string codec, string defaultFileName, string package, Func<nint, TExports?> bind)
    where TExports : class
{
    private readonly Lock gate = new();
    private string fileName = defaultFileName;
    private (TExports? Exports, string? Problem)? loaded;

    /// <summary>
    /// The file name handed to the dynamic loader. Tests set a name that does not exist to see the error a machine
    /// without the package gives; setting it forgets the previous binding (the library itself stays loaded).
    /// </summary>
    internal string FileName
    {
        get
        {
            lock (gate)
            {
                return fileName;
            }
        }

        set
        {
            lock (gate)
            {
                fileName = value;
                loaded = null;
            }
        }
    }

    /// <summary>The bound exports, or null with the message a DicomException should carry.</summary>
    public TExports? TryGetExports(out string? problem)
    {
        lock (gate)
        {
            loaded ??= Load(fileName);
            problem = loaded.Value.Problem;
            return loaded.Value.Exports;
        }
    }

    private (TExports? Exports, string? Problem) Load(string name)
    {
        string advice = $"codec not available: {codec} needs {package} (apt-get install {package})";
        nint handle;
        try
        {
            handle = NativeLibrary.Load(name);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            return (null, $"{advice}; {name} could not be loaded: {e.Message}");
        }

        TExports? exports = bind(handle);
        // A library of that name without the functions we call (an older soname reused) is as good as absent.
        return exports is null ? (null, $"{advice}; {name} lacks the expected functions") : (exports, null);
    }
}
