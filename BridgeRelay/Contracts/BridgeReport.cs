namespace BridgeRelay.Contracts;

/// <summary>
/// The body a bridge POSTs to <c>{Signaling:Url}/bridges/{bridgeId}</c> every report interval (docs/signaling.md,
/// Bridge registration). A wire type shared by Bridge (writer) and Signaling (reader), so it lives here where both see it.
/// </summary>
/// <param name="BridgeId">This bridge's id (Bridge:BridgeId).</param>
/// <param name="Region">Its region (Bridge:Region), a selection preference.</param>
/// <param name="ApiUrl">Where its control API answers.</param>
/// <param name="MediaHost">The address in its ICE candidates.</param>
/// <param name="MediaPort">Its media UDP port.</param>
/// <param name="CapacityPps">The packet rate at which its stress is 1.0.</param>
/// <param name="Stress">max(packet rate / capacity, CPU share), in [0, 1.5].</param>
/// <param name="PacketRatePps">Media datagrams in plus out per second over the last interval.</param>
/// <param name="Endpoints">Endpoints it holds.</param>
/// <param name="Conferences">Conferences it holds.</param>
/// <param name="Relays">Relay links it has.</param>
/// <param name="ReportIntervalSeconds">Seconds between its reports (Bridge:ReportIntervalSeconds); 0 when the bridge did not say (an older release).</param>
public sealed record BridgeReport(
    string BridgeId,
    string Region,
    string ApiUrl,
    string MediaHost,
    int MediaPort,
    double CapacityPps,
    double Stress,
    double PacketRatePps,
    int Endpoints,
    int Conferences,
    int Relays,
    int ReportIntervalSeconds = 0);
