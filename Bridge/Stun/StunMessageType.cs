namespace Bridge.Stun;

/// <summary>STUN message types (method + class) the ICE-lite bridge handles (RFC 8489 5, 18.2; only the Binding method exists for ICE).</summary>
public enum StunMessageType : ushort
{
    /// <summary>Binding request: an ICE connectivity check (RFC 8445 7.2).</summary>
    BindingRequest = 0x0001,

    /// <summary>Binding indication: an ICE keepalive that needs no answer (RFC 8445 11).</summary>
    BindingIndication = 0x0011,

    /// <summary>Binding success response.</summary>
    BindingSuccessResponse = 0x0101,

    /// <summary>Binding error response carrying ERROR-CODE.</summary>
    BindingErrorResponse = 0x0111,
}
