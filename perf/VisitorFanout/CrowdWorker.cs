using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace VisitorFanout;

/// <summary>
/// The visitors in a child process (<c>--worker</c>), for runs whose two sockets per visitor would not fit one process's
/// descriptor limit. Line protocol on stdin/stdout: <c>ramp</c>, <c>chat TICKS</c>, <c>storm SETTLE</c>, <c>quit</c>; each
/// command is answered by one line <c>result {json}</c>. <see cref="Stopwatch"/> ticks are the machine's monotonic clock,
/// so the parent's send time and the child's arrival times compare.
/// </summary>
public static class CrowdWorker
{
    /// <summary>The reply prefix.</summary>
    public const string ResultPrefix = "result ";

    /// <summary>The worker's JSON options (shared with the parent side).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Serves the commands read from stdin until <c>quit</c> or end of input; the visitors join <paramref name="room"/> at <paramref name="mainWs"/>.</summary>
    public static async Task<int> ServeAsync(Uri mainWs, string room, FanoutOptions options)
    {
        await using var crowd = new VisitorCrowd(mainWs, room, options);
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ', 2);
            object result;
            switch (parts[0])
            {
                case "ramp":
                    result = await crowd.RampAsync();
                    break;
                case "chat" when parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks):
                    result = await crowd.AwaitChatAsync(ticks);
                    break;
                case "storm" when parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var settle):
                    result = await crowd.StormAsync(settle);
                    break;
                case "quit":
                    return 0;
                default:
                    await Console.Error.WriteLineAsync($"VisitorFanout worker: unknown command '{line}'");
                    return 2;
            }

            await Console.Out.WriteLineAsync(ResultPrefix + JsonSerializer.Serialize(result, result.GetType(), Json));
            await Console.Out.FlushAsync();
        }

        return 0;
    }
}
