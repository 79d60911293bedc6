using VisitorFanout;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(FanoutOptions.Usage);
    return 0;
}

var worker = args.Length >= 3 && args[0] == "--worker";
FanoutOptions options;
try
{
    options = FanoutOptions.Parse(worker ? args[3..] : args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"VisitorFanout: {e.Message}");
    Console.Error.WriteLine(FanoutOptions.Usage);
    return 2;
}

if (worker)
{
    // The child side of RemoteCrowd: main's /ws and the room come first.
    return await CrowdWorker.ServeAsync(new Uri(args[1]), args[2], options);
}

return await FanoutRun.RunAsync(options);
