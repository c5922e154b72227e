using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Telemed.ConsultHub.Viewer;

/// <summary>
/// The browser viewer (src/Viewer, built by Vite and copied to wwwroot beside the program by the project's
/// BuildViewer target): its static files, their precompressed variants, and the single-page app's fallback to
/// index.html for client routes such as /cases/{id}. Server routes never fall back: an unknown /api path stays a 404
/// problem, not an HTML page a client would try to parse.
/// </summary>
public static class ViewerHosting
{
    /// <summary>Paths the server owns; everything else that is not a file is a client route of the viewer.</summary>
    private static readonly string[] ServerPrefixes = ["/api", "/hubs", "/dicomweb", "/fhir", "/health", "/openapi", "/scalar", "/ecg-stream"];

    /// <summary>Brotli first (about a fifth smaller than gzip for JavaScript), then gzip; files written at build time.</summary>
    private static readonly (string Encoding, string Extension)[] Precompressed = [("br", ".br"), ("gzip", ".gz")];

    private const string ShellFile = "index.html";

    /// <summary>Static files of the viewer; before authentication, since the app shell holds no patient data.</summary>
    public static WebApplication UseViewer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        IFileProvider files = app.Environment.WebRootFileProvider;
        app.Use((http, next) =>
        {
            ServePrecompressed(http, files);
            return next(http);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            ContentTypeProvider = new PrecompressedContentTypes(),
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = IsHashedAsset(context.Context.Request.Path)
                // Vite names every asset after its content hash: a changed file is a new URL, so an old one never changes.
                ? "public, max-age=31536000, immutable"
                : "no-cache",
        });
        return app;
    }

    /// <summary>The fallback for client routes; map it after every server endpoint.</summary>
    public static WebApplication MapViewer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        IFileProvider files = app.Environment.WebRootFileProvider;
        app.MapFallback(async http =>
        {
            if (IsServerPath(http.Request.Path))
            {
                await Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                    detail: $"no endpoint {http.Request.Method} {http.Request.Path}").ExecuteAsync(http);
                return;
            }

            IFileInfo shell = files.GetFileInfo(ShellFile);
            if (!shell.Exists)
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync(
                    "The Telemed viewer is not built. Install Node.js 20+ and npm, then build the hub again "
                    + "(dotnet build src/ConsultHub runs npm ci and npm run build in src/Viewer), or run them yourself. "
                    + "The API is at /api (document at /openapi/v1.json).\n", http.RequestAborted);
                return;
            }

            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.CacheControl = "no-cache";
            await http.Response.SendFileAsync(shell, http.RequestAborted);
        });
        return app;
    }

    internal static bool IsServerPath(PathString path) =>
        ServerPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    private static bool IsHashedAsset(PathString path) => path.StartsWithSegments("/assets", StringComparison.Ordinal);

    /// <summary>Points the request at the .br or .gz twin of an asset when the browser accepts that encoding.</summary>
    private static void ServePrecompressed(HttpContext http, IFileProvider files)
    {
        PathString path = http.Request.Path;
        if (!(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) || !IsHashedAsset(path)
            || !path.HasValue || Precompressed.Any(p => path.Value.EndsWith(p.Extension, StringComparison.Ordinal)))
        {
            return;
        }

        IList<StringWithQualityHeaderValue> accepted = http.Request.GetTypedHeaders().AcceptEncoding;
        foreach ((string encoding, string extension) in Precompressed)
        {
            bool acceptable = accepted.Any(a => string.Equals(a.Value.Value, encoding, StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);
            if (acceptable && files.GetFileInfo(path.Value + extension).Exists)
            {
                http.Request.Path = path.Value + extension;
                http.Response.Headers.ContentEncoding = encoding;
                http.Response.Headers.Vary = HeaderNames.AcceptEncoding;
                return;
            }
        }
    }

    /// <summary>The type of x.js.br is that of x.js: the encoding is in Content-Encoding.</summary>
    private sealed class PrecompressedContentTypes : IContentTypeProvider
    {
        private readonly FileExtensionContentTypeProvider inner = new();

        public bool TryGetContentType(string subpath, out string contentType)
        {
            foreach ((_, string extension) in Precompressed)
            {
                if (subpath.EndsWith(extension, StringComparison.Ordinal))
                {
                    subpath = subpath[..^extension.Length];
                    break;
                }
            }

            return inner.TryGetContentType(subpath, out contentType!);
        }
    }
}
