namespace BridgeRelay.Tree;

/// <summary>
/// One change of a bridge's parent link: remove the link to <see cref="OldParent"/> (if any) and create one to
/// <see cref="NewParent"/> (if any). A null old parent means the bridge joins; a null new parent means it leaves.
/// Cores have no parent link, so a core never appears as the subject of a change.
/// </summary>
public sealed record TreeChange(string Bridge, string? OldParent, string? NewParent);
