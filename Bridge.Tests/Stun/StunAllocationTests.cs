using System.Net;
using Bridge.Stun;

namespace Bridge.Tests.Stun;

public class StunAllocationTests
{
    [Fact]
    public void Bridge_path_allocates_nothing()
    {
        byte[] key = "bridge-ice-password"u8.ToArray();
        byte[] transactionId = StunTestMessages.TransactionId;
        SocketAddress peer = new IPEndPoint(IPAddress.Parse("2001:db8::7"), 5000).Serialize();
        var request = new byte[StunWriter.MaxMessageLength];
        var response = new byte[StunWriter.MaxMessageLength];

        (long Allocated, int Verified) Run()
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int verified = 0;
            for (int i = 0; i < 1000; i++)
            {
                int length = StunWriter.WriteBindingRequest(request, transactionId, "abcd:wxyz"u8, key, 1234, (ulong)i, useCandidate: true);
                if (StunMessage.IsStun(request.AsSpan(0, length))
                    && StunMessage.TryParse(request.AsSpan(0, length), out var message)
                    && message.VerifyFingerprint()
                    && message.VerifyMessageIntegrity(key)
                    && message.HasUseCandidate
                    && message.TryGetPriority(out _)
                    && !message.Username.IsEmpty)
                {
                    StunWriter.WriteBindingSuccess(response, message.TransactionId, peer, key);
                    StunWriter.WriteBindingError(response, message.TransactionId, StunErrorCode.RoleConflict, key);
                    verified++;
                }
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before, verified);
        }

        Run(); // warm-up: tiering, static tables, crypto provider initialisation
        var (allocated, verified) = Run();
        Assert.Equal(1000, verified);
        Assert.Equal(0, allocated);
    }
}
