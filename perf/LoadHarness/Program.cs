using LoadHarness;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(HarnessOptions.Usage);
    return 0;
}

HarnessOptions options;
try
{
    options = HarnessOptions.Parse(args.Where(a => a != "--serve-fleet" && a != "--in-process").ToList());
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"LoadHarness: {e.Message}");
    Console.Error.WriteLine(HarnessOptions.Usage);
    return 2;
}

if (args.Contains("--serve-fleet"))
{
    // The child side of FleetProcess: --duration is its whole lifetime here.
    return await FleetProcess.ServeAsync(options, TimeSpan.FromSeconds(options.DurationSeconds));
}

return await HarnessRun.RunAsync(options, inProcess: args.Contains("--in-process"));
