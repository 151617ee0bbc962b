namespace MoePS.Engine.Graphs;

/// <summary>
/// Directed neighbour pairs of a crystal within a radius, as a universal potential's graph has them: pair p goes from
/// atom <see cref="Source"/>[p] to the image of atom <see cref="Target"/>[p] shifted by
/// (<see cref="Image"/>[3p], [3p+1], [3p+2]) lattice vectors, at <see cref="Distance"/>[p] Å; both directions are listed.
/// </summary>
public sealed class NeighbourPairs
{
    public NeighbourPairs(int[] source, int[] target, int[] image, double[] distance)
    {
        if (target.Length != source.Length || distance.Length != source.Length || image.Length != 3 * source.Length)
            throw new ArgumentException("A neighbour pair list needs one source, target and distance and three image numbers per pair.");
        Source = source;
        Target = target;
        Image = image;
        Distance = distance;
    }

    public int[] Source { get; }
    public int[] Target { get; }
    /// <summary>Lattice-vector counts of each pair's image, three per pair.</summary>
    public int[] Image { get; }
    public double[] Distance { get; }
    public int Count => Source.Length;
}
