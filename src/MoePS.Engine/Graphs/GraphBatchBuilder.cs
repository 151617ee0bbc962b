using MoePS.Engine.Crystals;

namespace MoePS.Engine.Graphs;

/// <summary>Builds the graphs of many crystals in parallel, optionally through a <see cref="GraphCache"/>.</summary>
public static class GraphBatchBuilder
{
    /// <param name="crystals">The crystals; the result has the same order.</param>
    /// <param name="settings">Graph settings.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use: −1 (default) = all cores, 1 = this thread only.</param>
    /// <param name="cache">Cache to read from and write to; null builds every graph.</param>
    /// <param name="progress">Receives the number of graphs finished so far (from worker threads).</param>
    public static CrystalGraph[] BuildAll(IReadOnlyList<Crystal> crystals, GraphSettings settings,
        int maxDegreeOfParallelism = -1, GraphCache? cache = null, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use −1 (all cores) or a positive thread count.");
        var graphs = new CrystalGraph[crystals.Count];
        int done = 0;
        void BuildOne(int i)
        {
            graphs[i] = cache?.GetOrBuild(crystals[i], settings) ?? GraphBuilder.Build(crystals[i], settings);
            if (progress != null) progress.Report(Interlocked.Increment(ref done));
        }

        if (maxDegreeOfParallelism == 1)
        {
            for (int i = 0; i < graphs.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                BuildOne(i);
            }
            return graphs;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, graphs.Length, options, BuildOne);
        return graphs;
    }
}
