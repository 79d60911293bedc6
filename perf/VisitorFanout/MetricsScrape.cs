using System.Globalization;

namespace VisitorFanout;

/// <summary>One scrape of a node's Prometheus text exposition (<c>/metrics</c>): series (name with labels) to value.</summary>
public sealed class MetricsScrape
{
    private readonly Dictionary<string, double> _series;

    private MetricsScrape(Dictionary<string, double> series) => _series = series;

    /// <summary>Reads <c>{baseUrl}metrics</c>.</summary>
    public static async Task<MetricsScrape> ReadAsync(HttpClient http, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(http);
        var text = await http.GetStringAsync(new Uri(baseUrl, "/metrics"));
        return Parse(text);
    }

    /// <summary>Parses exposition text; comment and unreadable lines are skipped.</summary>
    public static MetricsScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                series[line[..space]] = value;
            }
        }

        return new MetricsScrape(series);
    }

    /// <summary>The values of <paramref name="name"/>'s series with <paramref name="filter"/> (<c>direction="in"</c>), by the value of label <paramref name="label"/>.</summary>
    public Dictionary<string, double> By(string name, string filter, string label)
    {
        var found = new Dictionary<string, double>(StringComparer.Ordinal);
        var key = label + "=\"";
        foreach (var (series, value) in _series)
        {
            var at = series.IndexOf(key, StringComparison.Ordinal);
            if (at >= 0 && series.StartsWith(name + "{", StringComparison.Ordinal) && series.Contains(filter, StringComparison.Ordinal))
            {
                var start = at + key.Length;
                var end = series.IndexOf('"', start);
                var labelValue = series[start..(end < 0 ? series.Length : end)];
                found[labelValue] = found.GetValueOrDefault(labelValue) + value;
            }
        }

        return found;
    }

    /// <summary>The sum of <paramref name="name"/>'s series whose labels contain every one of <paramref name="labels"/> (<c>direction="in"</c>).</summary>
    public double Sum(string name, params string[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        double sum = 0;
        foreach (var (key, value) in _series)
        {
            var brace = key.IndexOf('{', StringComparison.Ordinal);
            var metric = brace < 0 ? key : key[..brace];
            if (metric == name && labels.All(l => key.Contains(l, StringComparison.Ordinal)))
            {
                sum += value;
            }
        }

        return sum;
    }
}
