namespace Bridge.Sdp;

/// <summary>Media direction attribute of an m-section (RFC 8866 6.7), from the point of view of whoever wrote the SDP.</summary>
public enum MediaDirection
{
    /// <summary>a=sendrecv, also the default when no direction attribute is present (RFC 8866 6.7.3).</summary>
    SendRecv,

    /// <summary>a=sendonly.</summary>
    SendOnly,

    /// <summary>a=recvonly.</summary>
    RecvOnly,

    /// <summary>a=inactive.</summary>
    Inactive,
}
