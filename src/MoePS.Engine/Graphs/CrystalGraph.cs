namespace MoePS.Engine.Graphs;

/// <summary>
/// A crystal as CGCNN sees it: atoms (by atomic number) and, for each atom, its
/// <see cref="GraphSettings.MaxNeighbours"/> nearest periodic neighbours, row-major
/// ([atom * MaxNeighbours + slot]), padded with index 0 and distance radius+1.
/// </summary>
public sealed class CrystalGraph
{
    public CrystalGraph(int[] atomicNumbers, int[] neighbourIndex, double[] neighbourDistance, int maxNeighbours)
    {
        if (neighbourIndex.Length != atomicNumbers.Length * maxNeighbours || neighbourDistance.Length != neighbourIndex.Length)
            throw new ArgumentException("Neighbour arrays must have atoms × maxNeighbours entries.");
        AtomicNumbers = atomicNumbers;
        NeighbourIndex = neighbourIndex;
        NeighbourDistance = neighbourDistance;
        MaxNeighbours = maxNeighbours;
    }

    public int[] AtomicNumbers { get; }
    public int[] NeighbourIndex { get; }
    public double[] NeighbourDistance { get; }
    public int MaxNeighbours { get; }
    public int AtomCount => AtomicNumbers.Length;
}
