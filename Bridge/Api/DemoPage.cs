using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bridge.Api;

/// <summary>Serves the demo page (publish in one tab, watch in another), embedded in the assembly.</summary>
public static class DemoPage
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/demo.js", "demo.js", "text/javascript; charset=utf-8"),
    ];

    /// <summary>Maps / and /demo.js.</summary>
    public static void MapDemoPage(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Load(resource);
            app.MapGet(path, () => Results.Text(content, contentType));
        }
    }

    private static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("wwwroot." + name)
            ?? throw new InvalidOperationException($"demo resource {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
