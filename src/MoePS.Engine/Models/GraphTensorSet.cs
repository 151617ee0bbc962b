using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models;

/// <summary>
/// The graphs of a whole dataset as tensors on one device, built once and reused every epoch:
/// atom features [atoms, 92], neighbour indices [atoms, M] (global atom numbering), Gaussian edge
/// features [atoms, M, G]. <see cref="Select"/> gathers any rows into a <see cref="GraphBatch"/>.
/// </summary>
public sealed class GraphTensorSet : IDisposable
{
    readonly long[] atomStart;
    readonly int[] atomCount;

    GraphTensorSet(Tensor atomFeatures, Tensor neighbourIndex, Tensor edgeFeatures, long[] atomStart, int[] atomCount, Device device)
    {
        AtomFeatures = atomFeatures;
        NeighbourIndex = neighbourIndex;
        EdgeFeatures = edgeFeatures;
        this.atomStart = atomStart;
        this.atomCount = atomCount;
        Device = device;
    }

    public Tensor AtomFeatures { get; }
    public Tensor NeighbourIndex { get; }
    public Tensor EdgeFeatures { get; }
    public Device Device { get; }
    public int CrystalCount => atomCount.Length;
    public long AtomCount => atomStart.Length == 0 ? 0 : atomStart[^1] + atomCount[^1];

    /// <summary>First atom (global index) and atom count of crystal <paramref name="row"/>.</summary>
    public (long Start, int Count) AtomRange(int row) => (atomStart[row], atomCount[row]);

    /// <summary>Builds graphs with <see cref="GraphBuilder"/> and collates them.</summary>
    public static GraphTensorSet FromCrystals(IReadOnlyList<Crystal> crystals, GraphSettings settings, ElementFeatures elements, Device device)
    {
        foreach (var c in crystals) elements.CheckCovers(c);
        return FromGraphs(GraphBatchBuilder.BuildAll(crystals, settings), crystals.Select(c => c.Id).ToArray(), settings, elements, device);
    }

    /// <summary>Collates ready graphs; <paramref name="ids"/> name the crystals in errors.</summary>
    public static GraphTensorSet FromGraphs(IReadOnlyList<CrystalGraph> graphs, IReadOnlyList<string> ids, GraphSettings settings,
        ElementFeatures elements, Device device)
    {
        if (graphs.Count != ids.Count) throw new ArgumentException("One id per graph is needed.");
        if (graphs.Count == 0) throw new ArgumentException("Cannot build graph tensors for an empty set of crystals.");
        int m = settings.MaxNeighbours, f = elements.Length;
        var starts = new long[graphs.Count];
        var counts = new int[graphs.Count];
        long total = 0;
        for (int i = 0; i < graphs.Count; i++)
        {
            var g = graphs[i];
            if (g.MaxNeighbours != m)
                throw new ArgumentException($"Graph of '{ids[i]}' has {g.MaxNeighbours} neighbours per atom; the settings say {m}.");
            elements.CheckCovers(ids[i], g.AtomicNumbers);
            starts[i] = total;
            counts[i] = g.AtomCount;
            total += g.AtomCount;
        }

        var centres = settings.GaussianCentres();
        int gaussians = centres.Length;
        // Written in place into CPU tensors: a managed array would be copied again by torch.tensor (it pins a clone), and
        // the edge features of one crystal of 46,656 atoms are 92 MB.
        using var scope = NewDisposeScope();
        var atoms = empty(new[] { total, f }, ScalarType.Float32, CPU);
        var nbr = empty(new[] { total, m }, ScalarType.Int64, CPU);
        var edges = empty(new[] { total, m, gaussians }, ScalarType.Float32, CPU);
        IntPtr atomData = TensorMemory.Address<float>(atoms), nbrData = TensorMemory.Address<long>(nbr), edgeData = TensorMemory.Address<float>(edges);
        Parallel.For(0, graphs.Count, i =>
        {
            var g = graphs[i];
            long s = starts[i];
            var atomRows = Elements<float>(atomData, s * f, g.AtomCount * f);
            var nbrRows = Elements<long>(nbrData, s * m, g.AtomCount * m);
            for (int a = 0; a < g.AtomCount; a++)
            {
                elements[g.AtomicNumbers[a]].AsSpan().CopyTo(atomRows.Slice(a * f, f));
                for (int k = 0; k < m; k++)
                    nbrRows[a * m + k] = s + g.NeighbourIndex[a * m + k];
            }
            Graphs.GaussianExpansion.Expand(g.NeighbourDistance, centres, settings.GaussianWidth,
                Elements<float>(edgeData, s * m * gaussians, g.AtomCount * m * gaussians));
        });
        return new GraphTensorSet(atoms.to(device).MoveToOuterDisposeScope(), nbr.to(device).MoveToOuterDisposeScope(),
            edges.to(device).MoveToOuterDisposeScope(), starts, counts, device);
    }

    /// <summary><paramref name="length"/> elements from <paramref name="offset"/> of the storage at <paramref name="data"/>.</summary>
    static unsafe Span<T> Elements<T>(IntPtr data, long offset, int length) where T : unmanaged => new((T*)data + offset, length);

    /// <summary>Every crystal, in order.</summary>
    public GraphBatch All() => Select(Enumerable.Range(0, CrystalCount).ToArray());

    /// <summary>
    /// The crystals at <paramref name="rows"/> (in that order) as a batch on this set's device. Consecutive rows in order
    /// (the chunks of an evaluation) are one range of the set's atoms: the batch's atom and edge features are views of the
    /// set's, not copies (one crystal of 46,656 atoms has 92 MB of edge features), and only the neighbour indices are renumbered.
    /// </summary>
    public GraphBatch Select(IReadOnlyList<int> rows)
    {
        long n = 0;
        bool consecutive = true;
        for (int b = 0; b < rows.Count; b++)
        {
            int r = rows[b];
            if (r < 0 || r >= CrystalCount) throw new ArgumentOutOfRangeException(nameof(rows), $"Row {r} is outside the graph set ({CrystalCount} crystals).");
            n += atomCount[r];
            consecutive &= b == 0 || r == rows[b - 1] + 1;
        }
        if (consecutive && rows.Count > 0) return Consecutive(rows[0], rows.Count, n);
        var index = new long[n];
        var shift = new long[n];
        var crystalOfAtom = new long[n];
        var counts = new float[rows.Count];
        long at = 0;
        for (int b = 0; b < rows.Count; b++)
        {
            int r = rows[b];
            counts[b] = atomCount[r];
            for (int a = 0; a < atomCount[r]; a++, at++)
            {
                index[at] = atomStart[r] + a;
                shift[at] = at - a - atomStart[r];
                crystalOfAtom[at] = b;
            }
        }
        using var scope = NewDisposeScope();
        var indexT = tensor(index).to(Device);
        var shiftT = tensor(shift).to(Device);
        var atoms = AtomFeatures.index_select(0, indexT);
        var nbr = NeighbourIndex.index_select(0, indexT).add_(shiftT.unsqueeze(1), HeldScalars.One);
        var edges = EdgeFeatures.index_select(0, indexT);
        var batch = new GraphBatch(atoms, nbr, edges, tensor(crystalOfAtom).to(Device), tensor(counts).to(Device), indexT, rows.Count);
        foreach (var t in new[] { atoms, nbr, edges, batch.CrystalOfAtom, batch.AtomCounts, indexT }) t.MoveToOuterDisposeScope();
        return batch;
    }

    /// <summary>Rows <paramref name="first"/> … first + count − 1, <paramref name="n"/> atoms: views of the set's features.</summary>
    GraphBatch Consecutive(int first, int count, long n)
    {
        long start = atomStart[first];
        var index = new long[n];
        var crystalOfAtom = new long[n];
        var counts = new float[count];
        long at = 0;
        for (int b = 0; b < count; b++)
        {
            counts[b] = atomCount[first + b];
            for (int a = 0; a < atomCount[first + b]; a++, at++)
            {
                index[at] = start + at;
                crystalOfAtom[at] = b;
            }
        }
        using var scope = NewDisposeScope();
        // The same renumbering as the general case, whose shift is −start for every atom of a run.
        using var shift = (-start).ToScalar();
        var atoms = AtomFeatures.narrow(0, start, n);
        var nbr = NeighbourIndex.narrow(0, start, n).add(shift, HeldScalars.One);
        var edges = EdgeFeatures.narrow(0, start, n);
        var indexT = tensor(index).to(Device);
        var batch = new GraphBatch(atoms, nbr, edges, tensor(crystalOfAtom).to(Device), tensor(counts).to(Device), indexT, count);
        foreach (var t in new[] { atoms, nbr, edges, batch.CrystalOfAtom, batch.AtomCounts, indexT }) t.MoveToOuterDisposeScope();
        return batch;
    }

    public void Dispose()
    {
        AtomFeatures.Dispose();
        NeighbourIndex.Dispose();
        EdgeFeatures.Dispose();
    }
}
