using System.Xml;
using System.Xml.Linq;

namespace Telemed.Ecg.Formats;

/// <summary>
/// Parses untrusted ECG XML: DTDs are refused (no entity expansion, no external resources), the document's size is
/// capped, and the encoding comes from the BOM or declaration (UTF-8, UTF-16 LE/BE as Philips carts write them).
/// </summary>
internal static class SafeXml
{
    public static XDocument Load(byte[] document, int maxCharacters, EcgFileFormat format)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var stream = new MemoryStream(document, writable: false);
            using var reader = XmlReader.Create(stream, settings);
            return XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new EcgFormatException(format, $"line {e.LineNumber}, position {e.LinePosition}", $"not well-formed XML or a refused construct: {e.Message}", e);
        }
    }
}
