using Bridge.Conferences;
using Bridge.Sdp;

namespace Bridge.Api;

/// <summary>Body of POST /conferences/{conference}/endpoints; <paramref name="Order"/> is the publisher's place on the stage (optional).</summary>
public sealed record CreateEndpointRequest(string? Id, string? Role, long? Order = null);

/// <summary>Body of POST .../endpoints/{endpoint}/sdp: the browser's offer.</summary>
public sealed record SessionDescription(string? Type, string? Sdp);

/// <summary>An ICE candidate of the bridge.</summary>
public sealed record CandidateInfo(string Ip, int Port, string Protocol, string Type);

/// <summary>One negotiated media section, as the control API reports it.</summary>
public sealed record MediaInfo(string Mid, string Kind, string Direction, int PayloadType, string Codec, int ClockRate, IReadOnlyList<uint> RemoteSsrcs, uint? SlotSsrc);

/// <summary>The bridge's SDP fragments and state for one endpoint.</summary>
public sealed record EndpointInfo(
    string Id,
    string Conference,
    string Role,
    string State,
    string IceUfrag,
    string IcePwd,
    bool IceLite,
    string Fingerprint,
    string Setup,
    IReadOnlyList<CandidateInfo> Candidates,
    string? SrtpProfile,
    IReadOnlyList<MediaInfo> Media,
    long DroppedMedia,
    double ReportedLoss,
    long? Order = null)
{
    /// <summary>Reports an endpoint.</summary>
    public static EndpointInfo From(Endpoint endpoint, ConferenceManager conferences, CandidateInfo candidate)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(conferences);
        var answer = endpoint.Negotiated;
        var certificate = conferences.Certificate;
        return new EndpointInfo(
            endpoint.Id,
            endpoint.Conference.Id,
            endpoint.Role.ToString().ToLowerInvariant(),
            endpoint.State.ToString().ToLowerInvariant(),
            endpoint.LocalUfrag,
            endpoint.LocalPassword,
            IceLite: true,
            $"{certificate.FingerprintAlgorithm} {certificate.Fingerprint}",
            answer is null ? "actpass" : answer.BridgeIsDtlsClient ? "active" : "passive",
            [candidate],
            endpoint.Profile?.ToString(),
            answer is null ? [] : [.. answer.Media.Select(ToInfo)],
            Volatile.Read(ref endpoint.DroppedMedia),
            Volatile.Read(ref endpoint.LastReportedLoss),
            endpoint.Order == Endpoint.Unordered ? null : endpoint.Order);
    }

    private static MediaInfo ToInfo(NegotiatedMedia media) => new(
        media.Mid,
        media.Kind.ToString().ToLowerInvariant(),
        media.BridgeDirection.ToString().ToLowerInvariant(),
        media.Codec.PayloadType,
        media.Codec.Name,
        media.Codec.ClockRate,
        [.. media.RemoteSsrcs.Select(s => s.Ssrc)],
        media.Slot?.Ssrc);
}

/// <summary>Answer of POST .../sdp: the bridge's SDP answer plus the endpoint's fragments.</summary>
public sealed record AnswerResponse(string Type, string Sdp, EndpointInfo Endpoint);

/// <summary>A conference in GET /conferences.</summary>
public sealed record ConferenceInfo(string Id, IReadOnlyList<EndpointSummary> Endpoints);

/// <summary>An endpoint in a conference listing.</summary>
public sealed record EndpointSummary(string Id, string Role, string State);

/// <summary>Error body of every failed control API call.</summary>
public sealed record ApiError(string Error);
