using System.Net;
using System.Text;
using Bridge.Conferences;
using Bridge.Forwarding;
using Bridge.Hosting;
using Bridge.Metrics;
using Bridge.Rtp;
using Bridge.Srtp;
using Bridge.Stun;
using Microsoft.Extensions.Options;

namespace Bridge.Transport;

/// <summary>
/// Demultiplexes every datagram of the media socket (RFC 7983 by first byte, then by remote
/// address) and answers ICE-lite checks. Only STUN is accepted from unknown addresses.
/// <code>
///   first byte   0..3   STUN   -> ICE-lite: verify, answer, bind address
///               20..63  DTLS   -> endpoint's DTLS session (off the packet path)
///              80..95   relay  -> RelayRouter (AEAD per link; media only from the parent link)
///             128..191  RTP/RTCP -> SRTP unprotect -> Forwarder / RtcpHandler
///   anything else, or non-STUN from an unbound address: dropped and counted
/// </code>
/// One per media loop; runs on that loop's thread only.
/// </summary>
public sealed class PacketRouter
{
    private const int MaxUfragLength = 256;

    private readonly ConferenceManager _conferences;
    private readonly MediaSocket _socket;
    private readonly Forwarder _forwarder;
    private readonly RtcpHandler _rtcp;
    private readonly Relay.RelayRouter _relay;
    private readonly BridgeCounters _counters;
    private readonly TimeProvider _time;
    private readonly bool _loopbackOnly;
    private readonly PacketTransit _transit;
    private readonly byte[] _stunBuffer = GC.AllocateArray<byte>(StunWriter.MaxMessageLength, pinned: true);

    private readonly LoopMesh _mesh;
    private readonly int _loop;

    /// <summary>Creates the router of media loop <paramref name="loop"/>.</summary>
    internal PacketRouter(ConferenceManager conferences, MediaSocket socket, Forwarder forwarder, RtcpHandler rtcp, Relay.RelayRouter relay, BridgeCounters counters, TimeProvider time, IOptions<BridgeOptions> options, PacketTransit transit, LoopMesh mesh, int loop)
    {
        _mesh = mesh;
        _loop = loop;
        _transit = transit;
        _relay = relay;
        ArgumentNullException.ThrowIfNull(options);
        _conferences = conferences;
        _socket = socket;
        _forwarder = forwarder;
        _rtcp = rtcp;
        _counters = counters;
        _time = time;
        _loopbackOnly = options.Value.LoopbackOnly;
    }

    /// <summary>Handles one received datagram; never throws for bad input.</summary>
    public void OnDatagram(Span<byte> datagram, SocketAddress from)
    {
        ArgumentNullException.ThrowIfNull(from);
        _transit.MarkReceived();
        _counters.PacketsIn++;
        _counters.BytesIn += datagram.Length;
        if (datagram.Length == 0)
        {
            _counters.Drop(DropReason.UnknownProtocol);
            return;
        }

        var first = datagram[0];
        if (first <= 3)
        {
            HandleStun(datagram, from);
            return;
        }

        if (first is >= 80 and <= 95)
        {
            _relay.OnDatagram(datagram, from);
            return;
        }

        var endpoint = _conferences.FindByAddress(from);
        if (first is >= 20 and <= 63)
        {
            if (endpoint?.Dtls is { } dtls)
            {
                dtls.Enqueue(datagram);
            }
            else
            {
                _counters.Drop(endpoint is null ? DropReason.UnknownSender : DropReason.DtlsRejected);
            }
        }
        else if (first is >= 128 and <= 191)
        {
            if (endpoint is null)
            {
                _counters.Drop(DropReason.UnknownSender);
            }
            else
            {
                HandleSrtp(endpoint, datagram);
            }
        }
        else
        {
            _counters.Drop(DropReason.UnknownProtocol);
        }
    }

    private void HandleSrtp(Endpoint endpoint, Span<byte> datagram)
    {
        var isRtcp = RtpPacket.IsRtcp(datagram);
        if (!isRtcp && endpoint.Role == EndpointRole.Receiver)
        {
            // A visitor may not publish: dropped before any crypto work.
            endpoint.DroppedMedia++;
            _counters.Drop(DropReason.ReceiverMedia);
            return;
        }
        if (endpoint.LoopIndex != _loop)
        {
            // ICE moved the endpoint to this loop's socket; its old loop has not handed it over yet.
            _counters.Drop(DropReason.LoopHandover);
            return;
        }
        var inbound = endpoint.Inbound;
        if (inbound is null || endpoint.State != EndpointState.Secure)
        {
            _counters.Drop(DropReason.NotReady);
            return;
        }

        var error = isRtcp ? inbound.UnprotectRtcp(datagram, out var length) : inbound.UnprotectRtp(datagram, out length);
        if (error != SrtpError.None)
        {
            _counters.Drop(error switch
            {
                SrtpError.AuthenticationFailed => DropReason.SrtpAuthFailed,
                SrtpError.Replayed => DropReason.SrtpReplayed,
                _ => DropReason.SrtpOther,
            });
            return;
        }

        if (isRtcp)
        {
            _rtcp.Handle(endpoint, datagram[..length]);
        }
        else
        {
            _forwarder.Forward(endpoint, datagram[..length]);
        }
    }

    private void HandleStun(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        if (!StunMessage.TryParse(datagram, out var message)
            || message.MessageType != (ushort)StunMessageType.BindingRequest
            || !message.HasFingerprint
            || !message.VerifyFingerprint())
        {
            _counters.Drop(DropReason.StunMalformed);
            return;
        }

        // USERNAME is "<our ufrag>:<their ufrag>" (RFC 8445 7.2.2).
        var username = message.Username;
        var colon = username.IndexOf((byte)':');
        if (colon <= 0 || colon > MaxUfragLength)
        {
            _counters.Drop(DropReason.StunUnknownUser);
            return;
        }
        Span<char> ufrag = stackalloc char[colon];
        if (Encoding.ASCII.GetChars(username[..colon], ufrag) != colon)
        {
            _counters.Drop(DropReason.StunUnknownUser);
            return;
        }
        var endpoint = _conferences.FindByUfrag(ufrag);
        if (endpoint is null || endpoint.State == EndpointState.Expired)
        {
            _counters.Drop(DropReason.StunUnknownUser);
            return;
        }
        if (!message.VerifyMessageIntegrity(endpoint.LocalPasswordBytes))
        {
            _counters.Drop(DropReason.StunBadIntegrity);
            return;
        }
        if (_loopbackOnly && !IsLoopback(from))
        {
            _counters.Drop(DropReason.StunNotLoopback);
            return;
        }

        var length = StunWriter.WriteBindingSuccess(_stunBuffer, message.TransactionId, from, endpoint.LocalPasswordBytes);
        _socket.Send(_stunBuffer.AsSpan(0, length), from);
        Volatile.Write(ref endpoint.LastConsent, _time.GetTimestamp());

        // Learn the address from the first valid check; follow the browser when it nominates another pair.
        // The loop whose socket the address hashes to owns the endpoint: at once for the first address (nothing
        // uses its contexts yet), through its old loop for a new one (that loop may be using them right now).
        var current = endpoint.RemoteAddress;
        if (current is null || (message.HasUseCandidate && !current.Equals(from)))
        {
            var copy = new SocketAddress(from.Family, from.Size);
            from.Buffer.Span.CopyTo(copy.Buffer.Span);
            if (current is null)
            {
                endpoint.AssignLoop(_loop);
            }
            _conferences.BindAddress(endpoint, copy);
        }
        if (endpoint.LoopIndex != _loop && endpoint.RemoteAddress is { } bound && bound.Equals(from))
        {
            _mesh.PostHandover(_loop, endpoint, _counters);
        }
    }

    private static bool IsLoopback(SocketAddress address)
    {
        Span<byte> ip = stackalloc byte[16];
        var length = SocketAddressReader.Read(address, ip, out _);
        // 127.0.0.0/8, or ::1 (IPv4-mapped addresses come back as IPv4).
        return length == 4 ? ip[0] == 127 : length == 16 && !ip[..15].ContainsAnyExcept((byte)0) && ip[15] == 1;
    }
}
