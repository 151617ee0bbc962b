using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// Several crystals as one TensorNet graph: their atoms one after another (crystal by crystal) and their directed
/// neighbour pairs with global atom indices, the lattice of each atom's and each pair's crystal, in one float dtype.
/// </summary>
/// <remarks>
/// MatGL's graph converter stores lattices and fractional coordinates as float32 (matgl.float_th) whatever the model's
/// dtype, so its float64 outputs are those of the float32-rounded structure; the batch rounds them the same way.
/// The neighbour pairs are found in float64 from the structure as given, as pymatgen finds them.
/// </remarks>
public sealed class TensorNetBatch : IDisposable
{
    TensorNetBatch(int[] atomCounts, Tensor types, Tensor fractional, Tensor latticeOfAtom, Tensor source, Tensor target,
        Tensor images, Tensor latticeOfPair)
    {
        AtomCounts = atomCounts;
        Types = types;
        Fractional = fractional;
        LatticeOfAtom = latticeOfAtom;
        Source = source;
        Target = target;
        Images = images;
        LatticeOfPair = latticeOfPair;
    }

    /// <summary>Atoms of each crystal, in batch order.</summary>
    public IReadOnlyList<int> AtomCounts { get; }
    /// <summary>Row of each atom's element in the embedding, int64 [atoms].</summary>
    public Tensor Types { get; }
    /// <summary>The crystals' own fractional coordinates, [atoms, 3].</summary>
    public Tensor Fractional { get; }
    /// <summary>Lattice (rows a, b, c) of each atom's crystal, [atoms, 3, 3].</summary>
    public Tensor LatticeOfAtom { get; }
    public Tensor Source { get; }
    public Tensor Target { get; }
    /// <summary>Lattice-vector counts of each pair's image of its target, [pairs, 3].</summary>
    public Tensor Images { get; }
    /// <summary>Lattice of each pair's crystal, [pairs, 3, 3].</summary>
    public Tensor LatticeOfPair { get; }

    public int CrystalCount => AtomCounts.Count;
    public long PairCount => Source.shape[0];

    /// <param name="crystals">The crystals with their pairs within the cutoff (<see cref="CellListNeighbourSearch.PairsWithin"/>).</param>
    /// <param name="typeOf">Embedding row of an element in the model (throws for elements it does not know).</param>
    /// <param name="dtype">float32 or float64.</param>
    public static TensorNetBatch Build(IReadOnlyList<(Crystal Crystal, NeighbourPairs Pairs)> crystals, Func<Crystal, Element, long> typeOf, ScalarType dtype)
    {
        int atoms = crystals.Sum(c => c.Crystal.AtomCount), pairs = crystals.Sum(c => c.Pairs.Count);
        var types = new long[atoms];
        var fractional = new double[atoms * 3];
        var latticeOfAtom = new double[atoms * 9];
        var source = new long[pairs];
        var target = new long[pairs];
        var images = new double[pairs * 3];
        var latticeOfPair = new double[pairs * 9];
        int a = 0, p = 0;
        foreach (var (crystal, neighbours) in crystals)
        {
            var lattice = crystal.Lattice;
            foreach (var site in crystal.Sites)
            {
                types[a] = typeOf(crystal, site.Element);
                for (int c = 0; c < 3; c++) fractional[3 * a + c] = (float)site.Fractional[c];
                CopyLattice(lattice, latticeOfAtom, 9 * a);
                a++;
            }
            int first = a - crystal.AtomCount;
            for (int k = 0; k < neighbours.Count; k++, p++)
            {
                source[p] = first + neighbours.Source[k];
                target[p] = first + neighbours.Target[k];
                for (int c = 0; c < 3; c++) images[3 * p + c] = neighbours.Image[3 * k + c];
                CopyLattice(lattice, latticeOfPair, 9 * p);
            }
        }
        return new TensorNetBatch(crystals.Select(c => c.Crystal.AtomCount).ToArray(),
            tensor(types), tensor(fractional, new long[] { atoms, 3 }, dtype), tensor(latticeOfAtom, new long[] { atoms, 3, 3 }, dtype),
            tensor(source), tensor(target), tensor(images, new long[] { pairs, 3 }, dtype), tensor(latticeOfPair, new long[] { pairs, 3, 3 }, dtype));
    }

    static void CopyLattice(Lattice lattice, double[] into, int offset)
    {
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++) into[offset + 3 * r + c] = (float)lattice[r, c];
    }

    public void Dispose()
    {
        foreach (var t in new[] { Types, Fractional, LatticeOfAtom, Source, Target, Images, LatticeOfPair }) t.Dispose();
    }
}
