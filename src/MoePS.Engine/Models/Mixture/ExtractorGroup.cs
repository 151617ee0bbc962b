using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// Extractors of one architecture, whose fine-tuned layers can be stacked and run together.
/// A mixture of the paper's 18 extractors is one group; mixing architectures gives several.
/// </summary>
internal sealed class ExtractorGroup
{
    public ExtractorGroup(int[] members, CgcnnArchitecture architecture)
    {
        Members = members;
        Architecture = architecture;
    }

    /// <summary>Indices of the group's extractors in the mixture, ascending.</summary>
    public int[] Members { get; }
    public CgcnnArchitecture Architecture { get; }

    /// <summary>Positions within the group (0..members−1) of the active extractors that belong to it.</summary>
    public int[] LocalPositions(IEnumerable<int> active) =>
        active.Select(i => Array.IndexOf(Members, i)).Where(p => p >= 0).ToArray();

    public static IReadOnlyList<ExtractorGroup> Partition(IReadOnlyList<Extractor> extractors) =>
        extractors.Select((e, i) => (e.Architecture, Index: i))
            .GroupBy(x => x.Architecture)
            .Select(g => new ExtractorGroup(g.Select(x => x.Index).ToArray(), g.Key))
            .OrderBy(g => g.Members[0])
            .ToList();
}
