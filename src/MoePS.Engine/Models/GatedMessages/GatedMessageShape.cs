namespace MoePS.Engine.Models.GatedMessages;

/// <summary>
/// The sizes of one gated message sum: <see cref="Atoms"/> atoms with <see cref="Slots"/> neighbour slots each (one row
/// of messages per atom and slot), and per row <see cref="Groups"/> groups (stacked extractors; 1 for one CGCNN) of
/// 2·<see cref="Features"/> channels, the filter half then the core half.
/// </summary>
internal readonly record struct GatedMessageShape(long Atoms, int Slots, int Groups, int Features)
{
    /// <summary>Channels per row, 2·Groups·Features: BatchNorm's channels.</summary>
    public int Channels => 2 * Groups * Features;

    /// <summary>Message rows, Atoms·Slots: BatchNorm's batch.</summary>
    public long Rows => Atoms * Slots;
}
