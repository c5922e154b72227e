using Microsoft.Net.Http.Headers;

namespace Telemed.ConsultHub.DicomWeb;

/// <summary>
/// One acceptable media type of a WADO-RS request (PS3.18 §8.7.3): a single-part type such as image/png, or
/// multipart/related with its "type" and optional "transfer-syntax" parameters, which name what each part is.
/// </summary>
internal sealed record AcceptedMediaType(string MediaType, bool Multipart, string? TransferSyntax)
{
    /// <summary>The Accept header as media types, in the client's order of preference (q values honoured); */* when absent.</summary>
    public static IReadOnlyList<AcceptedMediaType> Parse(HttpRequest request)
    {
        string accept = request.Headers.Accept.ToString();
        if (string.IsNullOrWhiteSpace(accept) || !MediaTypeHeaderValue.TryParseList([accept], out IList<MediaTypeHeaderValue>? parsed))
        {
            return [new AcceptedMediaType("*/*", false, null)];
        }

        return [.. parsed
            .OrderByDescending(m => m.Quality ?? 1)
            .Where(m => (m.Quality ?? 1) > 0)
            .Select(m =>
            {
                string media = m.MediaType.Value?.ToLowerInvariant() ?? "*/*";
                string? syntax = Parameter(m, "transfer-syntax");
                if (media == "multipart/related")
                {
                    return new AcceptedMediaType(Parameter(m, "type")?.ToLowerInvariant() ?? "*/*", true, syntax);
                }

                return new AcceptedMediaType(media, false, syntax);
            })];
    }

    /// <summary>Does this range admit <paramref name="mediaType"/> (type/subtype, wildcards allowed on our side of the match)?</summary>
    public bool Admits(string mediaType) =>
        MediaType == "*/*" || MediaType == mediaType || (MediaType.EndsWith("/*", StringComparison.Ordinal) && mediaType.StartsWith(MediaType[..^1], StringComparison.Ordinal));

    /// <summary>Is the stored transfer syntax acceptable: none named, "*", or the same one?</summary>
    public bool AdmitsSyntax(string storedSyntax) => TransferSyntax is null || TransferSyntax == "*" || TransferSyntax == storedSyntax;

    private static string? Parameter(MediaTypeHeaderValue value, string name)
    {
        NameValueHeaderValue? p = value.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        return p is null ? null : Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(p.Value).ToString();
    }
}
