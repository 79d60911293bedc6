namespace Signaling.Assignment;

/// <summary>Admission limits of one room: how many main participants, and whether later joiners become visitors or are refused.</summary>
public sealed record RoomPolicy
{
    /// <summary>The built-in defaults: 30 participants, visitors on.</summary>
    public static RoomPolicy Default { get; } = new();

    /// <summary>Main participants admitted before joiners become visitors (0: everyone is a visitor). Default 30.</summary>
    public int MaxParticipants
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 30;

    /// <summary>Whether joiners beyond <see cref="MaxParticipants"/> become visitors (true) or are refused as <c>room-full</c> (false). Default true.</summary>
    public bool VisitorsEnabled { get; init; } = true;
}

/// <summary>A partial policy for a tenant or a room: each field that is set replaces the one underneath, each null field inherits it.</summary>
public sealed record RoomPolicyOverride
{
    /// <summary>Replacement for <see cref="RoomPolicy.MaxParticipants"/>, or null to inherit.</summary>
    public int? MaxParticipants
    {
        get;
        init
        {
            if (value is { } v)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(v, nameof(MaxParticipants));
            }

            field = value;
        }
    }

    /// <summary>Replacement for <see cref="RoomPolicy.VisitorsEnabled"/>, or null to inherit.</summary>
    public bool? VisitorsEnabled { get; init; }

    /// <summary>The policy underneath with this override's set fields replaced.</summary>
    public RoomPolicy ApplyTo(RoomPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy with
        {
            MaxParticipants = MaxParticipants ?? policy.MaxParticipants,
            VisitorsEnabled = VisitorsEnabled ?? policy.VisitorsEnabled,
        };
    }
}

/// <summary>Policy layers: global defaults, then a tenant's override, then a room's override, field by field. Thread-safe.</summary>
public sealed class RoomPolicies
{
    private readonly Dictionary<string, RoomPolicyOverride> _tenants = new(StringComparer.Ordinal);
    private readonly Dictionary<RoomName, RoomPolicyOverride> _rooms = [];
    private readonly Lock _lock = new();

    /// <summary>Creates the layers over <paramref name="global"/> (default <see cref="RoomPolicy.Default"/>).</summary>
    public RoomPolicies(RoomPolicy? global = null)
    {
        Global = global ?? RoomPolicy.Default;
    }

    /// <summary>The bottom layer.</summary>
    public RoomPolicy Global { get; }

    /// <summary>Sets (replaces) the override of every room of <paramref name="tenant"/>; throws <see cref="AssignmentException"/> for an invalid tenant.</summary>
    public void SetTenant(string tenant, RoomPolicyOverride policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!RoomName.IsValidTenant(tenant))
        {
            throw new AssignmentException(AssignmentError.InvalidRoomName, $"tenant \"{AssignmentIds.Printable(tenant ?? "")}\" must be 1-64 of a-z 0-9 . _ -");
        }

        lock (_lock)
        {
            _tenants[tenant] = policy;
        }
    }

    /// <summary>Sets (replaces) the override of one room.</summary>
    public void SetRoom(RoomName room, RoomPolicyOverride policy)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(policy);
        lock (_lock)
        {
            _rooms[room] = policy;
        }
    }

    /// <summary>Drops a tenant's override; false when it had none.</summary>
    public bool ClearTenant(string tenant)
    {
        lock (_lock)
        {
            return _tenants.Remove(tenant);
        }
    }

    /// <summary>Drops a room's override; false when it had none.</summary>
    public bool ClearRoom(RoomName room)
    {
        lock (_lock)
        {
            return _rooms.Remove(room);
        }
    }

    /// <summary>The effective policy of <paramref name="room"/>: room override over tenant override over global.</summary>
    public RoomPolicy Resolve(RoomName room)
    {
        ArgumentNullException.ThrowIfNull(room);
        lock (_lock)
        {
            var policy = Global;
            if (_tenants.TryGetValue(room.Tenant, out var tenant))
            {
                policy = tenant.ApplyTo(policy);
            }

            if (_rooms.TryGetValue(room, out var own))
            {
                policy = own.ApplyTo(policy);
            }

            return policy;
        }
    }
}
