using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// CGCNN extractors of one architecture, whose fine-tuned layers can be stacked and run together.
/// A mixture of the paper's 18 extractors is one group; mixing architectures gives several.
/// </summary>
internal sealed class ExtractorGroup
{
    public ExtractorGroup(int[] members, Extractor[] extractors, CgcnnArchitecture architecture)
    {
        Members = members;
        Extractors = extractors;
        Architecture = architecture;
    }

    /// <summary>Indices of the group's extractors in the mixture, ascending.</summary>
    public int[] Members { get; }
    /// <summary>The extractors at <see cref="Members"/>, in the same order.</summary>
    public Extractor[] Extractors { get; }
    public CgcnnArchitecture Architecture { get; }

    /// <summary>Positions within the group (0..members−1) of the active extractors that belong to it.</summary>
    public int[] LocalPositions(IEnumerable<int> active) =>
        active.Select(i => Array.IndexOf(Members, i)).Where(p => p >= 0).ToArray();

    /// <summary>The CGCNN extractors among <paramref name="experts"/>, grouped by architecture; other experts are in none.</summary>
    public static IReadOnlyList<ExtractorGroup> Partition(IReadOnlyList<IExpert> experts) =>
        experts.Select((e, i) => (Extractor: e as Extractor, Index: i))
            .Where(x => x.Extractor != null)
            .GroupBy(x => x.Extractor!.Architecture)
            .Select(g => new ExtractorGroup(g.Select(x => x.Index).ToArray(), g.Select(x => x.Extractor!).ToArray(), g.Key))
            .OrderBy(g => g.Members[0])
            .ToList();
}
