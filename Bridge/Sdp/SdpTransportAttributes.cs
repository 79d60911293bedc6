namespace Bridge.Sdp;

/// <summary>Outcome of offering one attribute line to a handler.</summary>
internal enum AttributeOutcome
{
    /// <summary>Not an attribute this handler knows; someone else may take it.</summary>
    NotHandled,

    /// <summary>Understood and stored.</summary>
    Accepted,

    /// <summary>Understood but malformed or repeated; the SDP is refused.</summary>
    Invalid,
}

/// <summary>Attributes allowed at both session and media level: ICE credentials, fingerprint, setup and direction.</summary>
internal sealed class SdpTransportAttributes
{
    private string? iceUfrag;
    private string? icePwd;
    private string? setup;
    private bool fingerprintIsSha256;

    /// <summary>a=ice-ufrag value.</summary>
    public string? IceUfrag => iceUfrag;

    /// <summary>a=ice-pwd value.</summary>
    public string? IcePwd => icePwd;

    /// <summary>Normalized a=fingerprint value.</summary>
    public string? Fingerprint { get; private set; }

    /// <summary>a=setup value.</summary>
    public string? Setup => setup;

    /// <summary>Direction attribute, when one was given.</summary>
    public MediaDirection? Direction { get; private set; }

    /// <summary>Stores the attribute if it is one of ours; <paramref name="error"/> names the problem on <see cref="AttributeOutcome.Invalid"/>.</summary>
    public AttributeOutcome TryApply(ReadOnlySpan<char> name, ReadOnlySpan<char> value, out string? error)
    {
        error = null;
        if (SdpSyntax.TryParseDirection(name, out MediaDirection direction))
        {
            if (Direction is not null)
            {
                return Fail("duplicate direction", out error);
            }

            Direction = direction;
            return AttributeOutcome.Accepted;
        }

        return name switch
        {
            // RFC 8839 5.4: the ufrag is 4..256 ice-chars, the password 22..256.
            "ice-ufrag" => SetOnce(ref iceUfrag, value, SdpSyntax.IsIceChars(value, 4, 256), "ice-ufrag", out error),
            "ice-pwd" => SetOnce(ref icePwd, value, SdpSyntax.IsIceChars(value, 22, 256), "ice-pwd", out error),
            "setup" => SetOnce(ref setup, value, value is "actpass" or "active" or "passive" or "holdconn", "setup", out error),
            "fingerprint" => ApplyFingerprint(value, out error),
            _ => AttributeOutcome.NotHandled,
        };
    }

    private AttributeOutcome ApplyFingerprint(ReadOnlySpan<char> value, out string? error)
    {
        error = null;
        if (!SdpSyntax.TryNormalizeFingerprint(value, out string normalized))
        {
            return Fail("bad fingerprint", out error);
        }

        // RFC 8122 5 allows several fingerprints with different hash functions; sha-256 is the one
        // every browser sends and the one the DTLS layer checks, so it wins over the others.
        bool isSha256 = normalized.StartsWith("sha-256 ", StringComparison.Ordinal);
        if (Fingerprint is null || (isSha256 && !fingerprintIsSha256))
        {
            Fingerprint = normalized;
            fingerprintIsSha256 = isSha256;
        }

        return AttributeOutcome.Accepted;
    }

    private static AttributeOutcome SetOnce(ref string? field, ReadOnlySpan<char> value, bool valid, string name, out string? error)
    {
        if (!valid)
        {
            return Fail("bad " + name, out error);
        }

        if (field is not null)
        {
            return Fail("duplicate " + name, out error);
        }

        field = value.ToString();
        error = null;
        return AttributeOutcome.Accepted;
    }

    private static AttributeOutcome Fail(string message, out string? error)
    {
        error = message;
        return AttributeOutcome.Invalid;
    }
}
