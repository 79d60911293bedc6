using System.Buffers.Binary;
using Bridge.Stun;

namespace Bridge.Tests.Stun;

/// <summary>Builds arbitrary (including malformed) STUN messages attribute by attribute for tests.</summary>
internal static class StunTestMessages
{
    public static readonly byte[] TransactionId = Convert.FromHexString("0102030405060708090a0b0c");

    /// <summary>Header plus TLVs with zero padding; the length field matches the body.</summary>
    public static byte[] Build(ushort messageType, params (ushort Type, byte[] Value)[] attributes)
    {
        var message = new List<byte>(new byte[20]);
        foreach (var (type, value) in attributes)
        {
            message.Add((byte)(type >> 8));
            message.Add((byte)type);
            message.Add((byte)(value.Length >> 8));
            message.Add((byte)value.Length);
            message.AddRange(value);
            message.AddRange(new byte[StunFormat.Padded(value.Length) - value.Length]);
        }

        byte[] bytes = [.. message];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, messageType);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(bytes.Length - 20));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), StunFormat.MagicCookie);
        TransactionId.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>Appends a correct FINGERPRINT, fixing the length field first as RFC 8489 14.7 requires.</summary>
    public static byte[] WithFingerprint(byte[] message)
    {
        var result = new byte[message.Length + 8];
        message.CopyTo(result, 0);
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(2), (ushort)(result.Length - 20));
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(message.Length), 0x80280004);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(message.Length + 4), StunFormat.ComputeFingerprint(result.AsSpan(0, message.Length)));
        return result;
    }

    /// <summary>Offsets where a TLV starts or the body ends, walked independently of the parser under test.</summary>
    public static List<int> AttributeBoundaries(ReadOnlySpan<byte> message)
    {
        var boundaries = new List<int> { 20 };
        int offset = 20;
        while (offset + 4 <= message.Length)
        {
            offset += 4 + StunFormat.Padded(BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]));
            boundaries.Add(offset);
        }

        return boundaries;
    }

    /// <summary>Touches every accessor so a hostile message that parsed proves none of them throws.</summary>
    public static void ExerciseAccessors(StunMessage message, ReadOnlySpan<byte> key)
    {
        _ = message.MessageType;
        _ = message.TransactionId.Length;
        _ = message.Username.Length;
        _ = message.HasUseCandidate;
        _ = message.HasMessageIntegrity;
        _ = message.HasFingerprint;
        _ = message.TryGetPriority(out _);
        _ = message.TryGetXorMappedAddress(out _);
        _ = message.TryGetErrorCode(out _);
        _ = message.TryGetAttribute(StunAttributeType.Software, out _);
        _ = message.VerifyFingerprint();
        _ = message.VerifyMessageIntegrity(key);
    }
}
