using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Signaling.Federation;

namespace Bridge.Tests.Deploy;

/// <summary>
/// Debian's real prometheus server as a child process on a free loopback port, run from a copy of the shipped
/// deploy/prometheus/ files in a temp dir whose file_sd/ targets the test writes. Only the scrape and evaluation
/// intervals are shortened (15 s to 1 s), so two scrapes take seconds.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private PrometheusServer(Process process, string dir, Uri url)
    {
        _process = process;
        _dir = dir;
        Api = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Client for the HTTP API.</summary>
    public HttpClient Api { get; }

    /// <summary>Starts prometheus with the shipped config and the given file-SD targets (job file name to host:port list) and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyDictionary<string, string[]> targets)
    {
        var binary = Tools.Require("prometheus", "prometheus");
        var dir = Directory.CreateTempSubdirectory("prometheus-").FullName;
        var shipped = File.ReadAllText(Path.Combine(Tools.DeployDir, "prometheus/prometheus.yml"));
        Assert.Contains("scrape_interval: 15s", shipped, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "prometheus.yml"), shipped.Replace("interval: 15s", "interval: 1s", StringComparison.Ordinal));
        File.Copy(Path.Combine(Tools.DeployDir, "prometheus/alerts.yml"), Path.Combine(dir, "alerts.yml"));
        Directory.CreateDirectory(Path.Combine(dir, "file_sd"));
        foreach (var (file, hosts) in targets)
        {
            File.WriteAllText(Path.Combine(dir, "file_sd", file), JsonSerializer.Serialize(new[] { new { targets = hosts, labels = new Dictionary<string, string>() } }));
        }

        var port = RedisServer.FreePort();
        var info = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dir,
        };
        foreach (var arg in new[]
        {
            $"--config.file={Path.Combine(dir, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--log.level=warn",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("prometheus did not start");
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PrometheusServer(process, dir, new Uri($"http://127.0.0.1:{port}"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await server.Api.GetAsync("/-/ready")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        server.Dispose();
        lock (log)
        {
            throw new InvalidOperationException($"prometheus did not become ready on port {port}:\n{log}");
        }
    }

    /// <summary>Runs an instant query; fails the test unless Prometheus answers success. Returns (labels, value) per series.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var answer = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/query?query={Uri.EscapeDataString(promql)}");
        Assert.True(answer.GetProperty("status").GetString() == "success", $"{promql}: {answer}");
        var data = answer.GetProperty("data");
        Assert.Equal("vector", data.GetProperty("resultType").GetString());
        return [.. data.GetProperty("result").EnumerateArray().Select(series => (
            series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>Polls until every one of <paramref name="instances"/> has been scraped successfully at least <paramref name="scrapes"/> times.</summary>
    public async Task WaitForScrapesAsync(IReadOnlyCollection<string> instances, int scrapes, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Dictionary<string, double> seen = [];
        while (DateTime.UtcNow < deadline)
        {
            seen = (await QueryAsync("sum_over_time(up[10m])")).ToDictionary(s => s.Labels["instance"], s => s.Value);
            if (instances.All(i => seen.GetValueOrDefault(i) >= scrapes))
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"not every target was scraped {scrapes} times within {timeout}: {string.Join(", ", seen.Select(s => $"{s.Key}={s.Value}"))} (want {string.Join(", ", instances)})");
    }

    public void Dispose()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
            // Best effort: prometheus may still be closing its files.
        }
    }
}
