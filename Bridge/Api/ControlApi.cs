using Bridge.Conferences;
using Bridge.Hosting;
using Bridge.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Endpoint = Bridge.Conferences.Endpoint;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Bridge.Api;

/// <summary>
/// The bridge's HTTP control API (documented in docs/bridge-control-api.md): conferences,
/// endpoints, SDP negotiation and stats. Guarded by a bearer secret when one is configured.
/// </summary>
public static class ControlApi
{
    private const int MaxIdLength = 64;
    private const int MaxSdpLength = 64 * 1024;

    /// <summary>Maps the routes under /conferences and /stats.</summary>
    public static void MapControlApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("").AddEndpointFilter(ApiAuth.RequireSecret);

        api.MapGet("/conferences", (ConferenceManager m) =>
            Results.Ok(m.Conferences.Select(c => new ConferenceInfo(c.Id, [.. c.Endpoints.Select(e => new EndpointSummary(e.Id, Lower(e.Role), Lower(e.State)))]))));

        api.MapPut("/conferences/{conference}", (string conference, ConferenceManager m) =>
            IsValidId(conference) ? Results.Ok(new ConferenceInfo(m.GetOrCreateConference(conference).Id, [])) : BadId("conference"));

        api.MapDelete("/conferences/{conference}", (string conference, ConferenceManager m) =>
            m.ExpireConference(conference) ? Results.NoContent() : NotFound($"no conference '{conference}'"));

        api.MapPost("/conferences/{conference}/endpoints", (string conference, CreateEndpointRequest? body, ConferenceManager m, IOptions<BridgeOptions> o) =>
        {
            if (!IsValidId(conference))
            {
                return BadId("conference");
            }
            if (body is null || body.Id is not { } id || !IsValidId(id))
            {
                return BadId("endpoint");
            }
            if (!TryParseRole(body.Role, out var role))
            {
                return Results.BadRequest(new ApiError($"role must be 'sender' or 'receiver', got '{body.Role}'"));
            }
            if (body.Order is < 0 or Endpoint.Unordered)
            {
                return Results.BadRequest(new ApiError($"order must be an integer 0..{Endpoint.Unordered - 1}, got {body.Order}"));
            }
            var endpoint = m.CreateEndpoint(m.GetOrCreateConference(conference), id, role, body.Order ?? Endpoint.Unordered);
            return endpoint is null
                ? Results.Conflict(new ApiError($"endpoint '{id}' already exists in '{conference}'"))
                : Results.Created($"/conferences/{conference}/endpoints/{id}", EndpointInfo.From(endpoint, m, Candidate(o, m)));
        });

        api.MapGet("/conferences/{conference}/endpoints/{endpoint}", (string conference, string endpoint, ConferenceManager m, IOptions<BridgeOptions> o) =>
            Find(m, conference, endpoint) is { } e ? Results.Ok(EndpointInfo.From(e, m, Candidate(o, m))) : NotFound($"no endpoint '{endpoint}' in '{conference}'"));

        api.MapPost("/conferences/{conference}/endpoints/{endpoint}/sdp", (string conference, string endpoint, SessionDescription? body, ConferenceManager m, IOptions<BridgeOptions> o) =>
        {
            if (Find(m, conference, endpoint) is not { } e)
            {
                return NotFound($"no endpoint '{endpoint}' in '{conference}'");
            }
            if (body is null || body.Type != "offer" || string.IsNullOrEmpty(body.Sdp) || body.Sdp.Length > MaxSdpLength)
            {
                return Results.BadRequest(new ApiError($"body must be {{\"type\":\"offer\",\"sdp\":\"...\"}} with at most {MaxSdpLength} characters of SDP"));
            }
            if (!m.TryNegotiate(e, body.Sdp, out var answer, out var error) || answer is null)
            {
                return e.State == EndpointState.Created || e.State == EndpointState.Expired
                    ? Results.BadRequest(new ApiError($"offer rejected: {error}"))
                    : Results.Conflict(new ApiError(error ?? "remote description already set"));
            }
            return Results.Ok(new AnswerResponse("answer", answer.Sdp, EndpointInfo.From(e, m, Candidate(o, m))));
        });

        api.MapDelete("/conferences/{conference}/endpoints/{endpoint}", (string conference, string endpoint, ConferenceManager m) =>
        {
            if (Find(m, conference, endpoint) is not { } e)
            {
                return NotFound($"no endpoint '{endpoint}' in '{conference}'");
            }
            m.Expire(e, "expired through the control API");
            return Results.NoContent();
        });

        api.MapGet("/stats", (ConferenceManager m, BridgeCounters c, Registration.StressMeter s, Transport.MediaLoops loops) => Results.Ok(BridgeStats.From(m, c, s.Current, loops.Count)));
    }

    private static Endpoint? Find(ConferenceManager m, string conference, string endpoint) =>
        m.FindConference(conference)?.Find(endpoint);

    private static CandidateInfo Candidate(IOptions<BridgeOptions> options, ConferenceManager m) =>
        new(options.Value.EffectiveAdvertisedAddress, m.MediaPort, "udp", "host");

    private static bool TryParseRole(string? value, out EndpointRole role)
    {
        role = value switch
        {
            "sender" => EndpointRole.Sender,
            "receiver" => EndpointRole.Receiver,
            _ => (EndpointRole)(-1),
        };
        return Enum.IsDefined(role);
    }

    // Ids appear in logs, metrics and URLs: keep them to a safe alphabet.
    private static bool IsValidId(string id) =>
        id.Length is > 0 and <= MaxIdLength && id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.');

    private static IResult BadId(string what) =>
        Results.BadRequest(new ApiError($"{what} id must be 1..{MaxIdLength} characters of A-Z a-z 0-9 - _ ."));

    private static IResult NotFound(string message) => Results.NotFound(new ApiError(message));

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
