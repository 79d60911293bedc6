using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Bridge.Benchmarks;

/// <summary>
/// One short job for a 2-core shared machine: 3 warmups and 10 measured iterations, run in process
/// (no generated project to build, and the bridge under test lives in the same process anyway).
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    /// <summary>Creates the configuration with memory diagnostics and GitHub markdown + full JSON exports.</summary>
    public BenchConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(MarkdownExporter.GitHub);
        AddExporter(JsonExporter.Full);
        WithOptions(ConfigOptions.DisableLogFile);
        // Room for "AesCm128HmacSha1Tag80" untruncated in the tables.
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(30));
        // DefaultConfig's columns, loggers and validators (the job and exporters above are ours).
        AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray());
        AddLogger(DefaultConfig.Instance.GetLoggers().ToArray());
        AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray());
        AddValidator(DefaultConfig.Instance.GetValidators().ToArray());
    }
}
