using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signaling.Features.Chat;

/// <summary>Federation event types of the chat (docs/conference-features.md).</summary>
internal static class ChatTypes
{
    /// <summary>node → main: a visitor's message to be ordered (<see cref="NodeChatPayload"/>); main → node: an ordered message (<see cref="OrderedChatPayload"/>).</summary>
    public const string Chat = "chat";

    /// <summary>main → node: the room's chat settings (<see cref="ChatSettingsPayload"/>).</summary>
    public const string Settings = "chat-settings";
}

/// <summary>A chat author on the federation streams; <paramref name="Role"/> is <c>participant</c> or <c>visitor</c>.</summary>
internal sealed record ChatAuthor(string Id, string Name, string Role);

/// <summary>A visitor's message for main to order; the event's idempotency key identifies it.</summary>
internal sealed record NodeChatPayload(ChatAuthor From, string Text);

/// <summary>A message as main ordered it: main's epoch and the room's sequence number.</summary>
internal sealed record OrderedChatPayload(long Epoch, long Seq, ChatAuthor From, string Text, long Ts);

/// <summary>The room's chat settings at a version.</summary>
internal sealed record ChatSettingsPayload(long Epoch, long Seq, bool VisitorChat);

/// <summary>The room's chat for a visitor node taking the room up (in the placement answer): history and settings.</summary>
internal sealed record ChatSnapshotPayload(long Epoch, IReadOnlyList<OrderedChatPayload> Messages, ChatSettingsPayload Settings);

/// <summary>System.Text.Json source generation for the chat payloads (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NodeChatPayload))]
[JsonSerializable(typeof(OrderedChatPayload))]
[JsonSerializable(typeof(ChatSettingsPayload))]
[JsonSerializable(typeof(ChatSnapshotPayload))]
internal sealed partial class ChatJson : JsonSerializerContext;
