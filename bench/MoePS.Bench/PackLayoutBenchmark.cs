using MoePS.Engine.Crystals;
using MoePS.Engine.Models.Mixture;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Bench;

/// <summary>
/// How a pack runs its runs' fine-tuned convolutions on the CPU. One CGCNN convolution layer, forward and backward,
/// for the five seeds of jarvis_2d_gap_tbmbj (each run: the atoms of its split's training rows, one batch), with one
/// extractor (TL) and eighteen (MoE-18), two ways: each run's layer on its own batch, one run after another in one
/// autograd graph with one backward pass (what <see cref="Engine.Training.Packing.PackedTrainer"/> does), against the
/// runs padded to the largest batch and run as batched matrix products over runs (bmm), BatchNorm per run on its own
/// rows. Weights, features and neighbours are random with the real sizes: the layout, not the values, sets the time.
/// </summary>
public sealed class PackLayoutBenchmark : IBenchmark
{
    const string Task = "jarvis_2d_gap_tbmbj";
    const int F = 64, E = 41, M = 12;

    public string Name => "pack.layout";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        var dataset = DatasetFile.Read(context.PathOf("tasks", Task + ".json.gz")).Dataset;
        int[] atoms = Enumerable.Range(0, 5)
            .Select(s => SplitFile.Read(context.PathOf("splits", $"seed{s}.json"), Task).Train.Sum(r => dataset.Entries[r].Crystal.AtomCount)).ToArray();
        foreach (int k in new[] { 1, 18 })
        {
            var g = new Generator(3);
            var runs = atoms.Select(n => new Batch(rand(n, k, F, generator: g), randint(0, n, new long[] { n, M }, generator: g), rand(n * M, E, generator: g))).ToArray();
            var layers = runs.Select(_ => new StackedConvLayer(Enumerable.Range(0, k).Select(_ => RandomLayer(g)).ToArray())).ToArray();
            foreach (var layer in layers) layer.train(true);
            int[] all = Enumerable.Range(0, k).ToArray();
            double segments = BestOf(() =>
            {
                using var scope = NewDisposeScope();
                cat(runs.Select((b, r) => layers[r].Forward(all, b.Atoms, b.Neighbours, b.Edges)).ToArray(), 0).sum().backward();
            });
            using var padded = new PaddedRuns(runs, k, g);
            double bmm = BestOf(padded.ForwardBackward);
            string details = $"{Task} seeds 0-4, training atoms {string.Join("/", atoms)}, k = {k}, one layer forward + backward, best of 5; " +
                $"per run in one graph {segments * 1e3:F1} ms, padded bmm over runs {bmm * 1e3:F1} ms; torch threads {get_num_threads()}, load average {MachineState.LoadAverages()}";
            yield return new BenchResult($"pack.layout.k{k}.segments_ms", segments * 1e3, "ms", details);
            yield return new BenchResult($"pack.layout.k{k}.padded_bmm_ms", bmm * 1e3, "ms", details);
            yield return new BenchResult($"pack.layout.k{k}.bmm_over_segments", bmm / segments, "x", details);
        }
    }

    static double BestOf(Action action)
    {
        action();
        action();
        return BenchContext.BestOf(5, action);
    }

    static ConvLayerWeights RandomLayer(Generator g) => new(
        randn(2 * F, 2 * F + E, generator: g) * 0.1, randn(2 * F, generator: g) * 0.1,
        rand(2 * F, generator: g) + 0.5, randn(2 * F, generator: g) * 0.1, randn(2 * F, generator: g) * 0.2, rand(2 * F, generator: g) + 0.5,
        rand(F, generator: g) + 0.5, randn(F, generator: g) * 0.1, randn(F, generator: g) * 0.2, rand(F, generator: g) + 0.5);

    /// <summary>One run's batch: atom features [n, k, F], neighbour indices [n, M], edge features [n·M, E].</summary>
    sealed record Batch(Tensor Atoms, Tensor Neighbours, Tensor Edges);

    /// <summary>The alternative layout: the runs' batches padded to the largest and stacked, weights [R, k, ...].</summary>
    sealed class PaddedRuns : IDisposable
    {
        readonly int runs, k, atoms;
        readonly Tensor x, neighbours, edges, wSelf, wNbr, wEdge, bias, bn1Weight, bn1Bias, bn2Weight, bn2Bias;
        readonly long[] edgeRows, atomRows;

        public PaddedRuns(Batch[] batches, int k, Generator g)
        {
            runs = batches.Length;
            this.k = k;
            atoms = batches.Max(b => (int)b.Atoms.shape[0]);
            int n = atoms;
            x = stack(batches.Select(b => nn.functional.pad(b.Atoms, new long[] { 0, 0, 0, 0, 0, n - b.Atoms.shape[0] })).ToArray());
            neighbours = cat(batches.Select((b, r) => nn.functional.pad(b.Neighbours, new long[] { 0, 0, 0, n - b.Neighbours.shape[0] }) + r * n).ToArray()).reshape(-1);
            edges = stack(batches.Select(b => nn.functional.pad(b.Edges, new long[] { 0, 0, 0, n * M - b.Edges.shape[0] })).ToArray());
            wSelf = (randn(runs, k, 2 * F, F, generator: g) * 0.1).requires_grad_(true);
            wNbr = (randn(runs, k, 2 * F, F, generator: g) * 0.1).requires_grad_(true);
            wEdge = (randn(runs, k, 2 * F, E, generator: g) * 0.1).requires_grad_(true);
            bias = (randn(runs, k, 2 * F, generator: g) * 0.1).requires_grad_(true);
            bn1Weight = ones(runs, k * 2 * F).requires_grad_(true);
            bn1Bias = zeros(runs, k * 2 * F).requires_grad_(true);
            bn2Weight = ones(runs, k * F).requires_grad_(true);
            bn2Bias = zeros(runs, k * F).requires_grad_(true);
            // Each run's valid rows, then its padding: BatchNorm must see a run's own rows only.
            edgeRows = batches.SelectMany(b => new[] { b.Edges.shape[0], (long)n * M - b.Edges.shape[0] }).ToArray();
            atomRows = batches.SelectMany(b => new[] { b.Atoms.shape[0], n - b.Atoms.shape[0] }).ToArray();
        }

        public void ForwardBackward()
        {
            using var scope = NewDisposeScope();
            long n = atoms, c = 2 * F;
            var byExtractor = x.permute(0, 2, 1, 3).reshape(runs * k, n, F);
            var self = byExtractor.bmm(wSelf.reshape(runs * k, c, F).transpose(1, 2)).view(runs, k, n, c).permute(0, 2, 1, 3) + bias.unsqueeze(1);
            var nbr = byExtractor.bmm(wNbr.reshape(runs * k, c, F).transpose(1, 2)).view(runs, k, n, c).permute(0, 2, 1, 3).reshape(runs * n, k * c);
            var z = edges.bmm(wEdge.permute(0, 3, 1, 2).reshape(runs, E, k * c)).view(runs * n * M, k * c).add_(nbr.index_select(0, neighbours));
            z = (z.view(runs, n, M, k * c) + self.reshape(runs, n, 1, k * c)).view(runs * n * M, k * c);
            z = PerRunBatchNorm(z, edgeRows, bn1Weight, bn1Bias).view(runs, n, M, k, 2, F);
            var summed = (sigmoid(z.select(4, 0)) * nn.functional.softplus(z.select(4, 1))).sum(2);
            summed = PerRunBatchNorm(summed.reshape(runs * n, k * F), atomRows, bn2Weight, bn2Bias).view(runs, n, k, F);
            nn.functional.softplus(x + summed).sum().backward();
        }

        Tensor PerRunBatchNorm(Tensor rows, long[] pieces, Tensor weight, Tensor biasTerm)
        {
            var parts = rows.split(pieces, 0);
            for (int r = 0; r < runs; r++)
            {
                long channels = weight.shape[1];
                parts[2 * r] = nn.functional.batch_norm(parts[2 * r], zeros(channels), ones(channels), weight[r], biasTerm[r], true, 0.1, 1e-5);
            }
            return cat(parts, 0);
        }

        public void Dispose()
        {
            foreach (var t in new[] { x, neighbours, edges, wSelf, wNbr, wEdge, bias, bn1Weight, bn1Bias, bn2Weight, bn2Bias }) t.Dispose();
        }
    }
}
