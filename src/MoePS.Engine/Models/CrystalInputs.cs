using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Experts;

namespace MoePS.Engine.Models;

/// <summary>
/// Crystals on their way into models and experts: each graph setting's graphs are built (or read from the graph cache)
/// once however many models read them; frozen experts read and fill the feature cache.
/// </summary>
public sealed class CrystalInputs
{
    readonly Dictionary<GraphSettings, IReadOnlyList<CrystalGraph>> graphs = new();

    /// <param name="crystals">The crystals, in the order results come back.</param>
    /// <param name="graphCache">Where graphs are read and stored; null builds them.</param>
    /// <param name="featureCache">Where frozen experts' features are read and stored; null = the user cache's.</param>
    /// <param name="cancellation">Stops building graphs.</param>
    public CrystalInputs(IReadOnlyList<Crystal> crystals, GraphCache? graphCache = null, FeatureCache? featureCache = null,
        CancellationToken cancellation = default)
    {
        Crystals = crystals;
        Ids = crystals.Select(c => c.Id).ToList();
        GraphCache = graphCache;
        FeatureCache = featureCache ?? new FeatureCache();
        Cancellation = cancellation;
    }

    public IReadOnlyList<Crystal> Crystals { get; }
    public IReadOnlyList<string> Ids { get; }
    public int Count => Crystals.Count;
    public GraphCache? GraphCache { get; }
    public FeatureCache FeatureCache { get; }
    public CancellationToken Cancellation { get; }

    /// <summary>The crystals' graphs under <paramref name="settings"/>, in order, built on first use.</summary>
    public IReadOnlyList<CrystalGraph> Graphs(GraphSettings settings)
    {
        lock (graphs)
        {
            if (!graphs.TryGetValue(settings, out var built))
                graphs[settings] = built = GraphBatchBuilder.BuildAll(Crystals, settings, cache: GraphCache, cancellationToken: Cancellation);
            return built;
        }
    }

    /// <summary>The same caches for other crystals.</summary>
    public CrystalInputs For(IReadOnlyList<Crystal> crystals) => new(crystals, GraphCache, FeatureCache, Cancellation);
}
