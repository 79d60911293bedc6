namespace Bridge.Conferences;

/// <summary>What an endpoint may do: publish (and receive), or only receive (a visitor).</summary>
public enum EndpointRole
{
    /// <summary>A main participant: its audio and video are forwarded to the others.</summary>
    Sender,
    /// <summary>A receive-only visitor: its RTP is dropped, only its RTCP feedback is used.</summary>
    Receiver,
}
