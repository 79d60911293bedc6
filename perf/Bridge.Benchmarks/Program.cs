using BenchmarkDotNet.Running;

// Arguments go straight to BenchmarkDotNet (e.g. --filter '*', --exporters, --artifacts); see perf/run-benchmarks.sh.
BenchmarkSwitcher.FromAssembly(typeof(Bridge.Benchmarks.BenchConfig).Assembly).Run(args, new Bridge.Benchmarks.BenchConfig());
