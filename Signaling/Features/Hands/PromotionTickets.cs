using System.Buffers.Text;
using System.Security.Cryptography;
using Signaling.Assignment;

namespace Signaling.Features.Hands;

/// <summary>
/// Main: the promotion tickets handed to approved visitors. A ticket is 256 random bits naming a pending promotion (room and
/// the visitor's name); the visitor's browser redeems it once, within <see cref="Lifetime"/>, by joining main with it. A
/// forged, reused, expired or foreign ticket redeems nothing. Thread-safe.
/// </summary>
internal sealed class PromotionTickets(TimeProvider time)
{
    /// <summary>How long an approved visitor has to join main with its ticket.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, (RoomName Room, string Name, long Issued)> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A new ticket seating <paramref name="name"/> in <paramref name="room"/>.</summary>
    public string Issue(RoomName room, string name)
    {
        var ticket = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        lock (_lock)
        {
            // Tickets nobody redeemed go when the next one is issued: the table never outgrows a minute of approvals.
            foreach (var stale in _pending.Where(p => time.GetElapsedTime(p.Value.Issued) > Lifetime).Select(p => p.Key).ToList())
            {
                _pending.Remove(stale);
            }

            _pending[ticket] = (room, name, time.GetTimestamp());
        }

        return ticket;
    }

    /// <summary>Uses up <paramref name="ticket"/>: true when it was issued for <paramref name="room"/> and <paramref name="name"/> less than <see cref="Lifetime"/> ago.</summary>
    public bool Redeem(string ticket, RoomName room, string name)
    {
        lock (_lock)
        {
            // Any attempt uses the ticket up, so a wrong guess at the name does not leave it open to more guesses.
            return _pending.Remove(ticket, out var p) && p.Room.Equals(room) && p.Name == name && time.GetElapsedTime(p.Issued) <= Lifetime;
        }
    }
}
