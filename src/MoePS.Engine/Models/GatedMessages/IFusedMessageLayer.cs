namespace MoePS.Engine.Models.GatedMessages;

/// <summary>A layer that may run <see cref="GatedMessageSum"/> and keeps its per-edge memory in a <see cref="GatedMessageWorkspace"/>.</summary>
internal interface IFusedMessageLayer
{
    GatedMessageWorkspace Workspace { get; }
}
