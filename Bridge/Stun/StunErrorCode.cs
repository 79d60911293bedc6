namespace Bridge.Stun;

/// <summary>ERROR-CODE values an ICE-lite agent sends or meets (RFC 8489 14.8, RFC 8445 7.3.1.1).</summary>
public static class StunErrorCode
{
    /// <summary>400: malformed request, e.g. USERNAME or MESSAGE-INTEGRITY missing (RFC 8489 9.1.3).</summary>
    public const int BadRequest = 400;

    /// <summary>401: unknown USERNAME or wrong MESSAGE-INTEGRITY; sent without MESSAGE-INTEGRITY (RFC 8489 9.1.3).</summary>
    public const int Unauthorized = 401;

    /// <summary>420: unknown comprehension-required attribute.</summary>
    public const int UnknownAttribute = 420;

    /// <summary>487: ICE role conflict (RFC 8445 7.3.1.1).</summary>
    public const int RoleConflict = 487;

    /// <summary>500: temporary server error.</summary>
    public const int ServerError = 500;

    /// <summary>Short reason phrase for the codes above; empty for others (the phrase is diagnostic only, RFC 8489 14.8).</summary>
    internal static ReadOnlySpan<byte> ReasonPhrase(int code) => code switch
    {
        BadRequest => "Bad Request"u8,
        Unauthorized => "Unauthorized"u8,
        UnknownAttribute => "Unknown Attribute"u8,
        RoleConflict => "Role Conflict"u8,
        ServerError => "Server Error"u8,
        _ => default,
    };
}
