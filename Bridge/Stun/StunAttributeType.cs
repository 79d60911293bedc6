namespace Bridge.Stun;

/// <summary>STUN attribute type codes used by ICE (RFC 8489 18.3, RFC 8445 16.1); kept as raw ushorts because unknown types must pass through.</summary>
public static class StunAttributeType
{
    /// <summary>MAPPED-ADDRESS (RFC 8489 14.1), the pre-XOR legacy form.</summary>
    public const ushort MappedAddress = 0x0001;

    /// <summary>USERNAME (RFC 8489 14.3): "remoteUfrag:localUfrag" for ICE.</summary>
    public const ushort Username = 0x0006;

    /// <summary>MESSAGE-INTEGRITY (RFC 8489 14.5): 20-byte HMAC-SHA1.</summary>
    public const ushort MessageIntegrity = 0x0008;

    /// <summary>ERROR-CODE (RFC 8489 14.8).</summary>
    public const ushort ErrorCode = 0x0009;

    /// <summary>UNKNOWN-ATTRIBUTES (RFC 8489 14.13).</summary>
    public const ushort UnknownAttributes = 0x000A;

    /// <summary>REALM (RFC 8489 14.9), long-term credentials only.</summary>
    public const ushort Realm = 0x0014;

    /// <summary>NONCE (RFC 8489 14.10), long-term credentials only.</summary>
    public const ushort Nonce = 0x0015;

    /// <summary>XOR-MAPPED-ADDRESS (RFC 8489 14.2).</summary>
    public const ushort XorMappedAddress = 0x0020;

    /// <summary>PRIORITY (RFC 8445 7.1.1): 32-bit candidate priority.</summary>
    public const ushort Priority = 0x0024;

    /// <summary>USE-CANDIDATE (RFC 8445 7.1.2): empty flag set by the controlling agent to nominate a pair.</summary>
    public const ushort UseCandidate = 0x0025;

    /// <summary>SOFTWARE (RFC 8489 14.14).</summary>
    public const ushort Software = 0x8022;

    /// <summary>FINGERPRINT (RFC 8489 14.7): CRC-32 XOR 0x5354554E, always last.</summary>
    public const ushort Fingerprint = 0x8028;

    /// <summary>ICE-CONTROLLED (RFC 8445 7.1.3): 64-bit tie-breaker.</summary>
    public const ushort IceControlled = 0x8029;

    /// <summary>ICE-CONTROLLING (RFC 8445 7.1.3): 64-bit tie-breaker.</summary>
    public const ushort IceControlling = 0x802A;
}
