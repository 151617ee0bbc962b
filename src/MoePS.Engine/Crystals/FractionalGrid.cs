namespace MoePS.Engine.Crystals;

/// <summary>
/// Positions in a cell, binned on a grid whose bins are at least <c>reach</c> Å thick along each axis, so that every
/// position within <c>reach</c> of a point lies in the point's bin or one of the 26 around it (periodically): looking
/// for close pairs then costs time linear in the atoms, not quadratic. A pair at distance d differs along axis k by at
/// most d / w_k in fractional coordinate, w_k being the cell's thickness across that axis (volume / |other two vectors' cross product|).
/// </summary>
internal sealed class FractionalGrid
{
    readonly int[] bins = new int[3];
    readonly Dictionary<(int, int, int), List<int>> members = new();

    public FractionalGrid(Lattice lattice, double reach)
    {
        var m = lattice.Matrix;
        for (int k = 0; k < 3; k++)
        {
            int a = (k + 1) % 3, b = (k + 2) % 3;
            double cx = m[a, 1] * m[b, 2] - m[a, 2] * m[b, 1];
            double cy = m[a, 2] * m[b, 0] - m[a, 0] * m[b, 2];
            double cz = m[a, 0] * m[b, 1] - m[a, 1] * m[b, 0];
            double thickness = lattice.Volume / Math.Sqrt(cx * cx + cy * cy + cz * cz);
            bins[k] = (int)Math.Clamp(Math.Floor(thickness / reach), 1, 1 << 20);
        }
    }

    /// <summary>Files <paramref name="index"/> under the bin of fractional position <paramref name="f"/>.</summary>
    public void Add(int index, double[] f)
    {
        var bin = BinOf(f);
        if (!members.TryGetValue(bin, out var list)) members[bin] = list = new List<int>();
        list.Add(index);
    }

    /// <summary>The indices filed in <paramref name="f"/>'s bin and the bins around it, each once; a superset of those within reach.</summary>
    public IEnumerable<int> Near(double[] f)
    {
        var (i, j, k) = BinOf(f);
        foreach (int a in Around(i, bins[0]))
        foreach (int b in Around(j, bins[1]))
        foreach (int c in Around(k, bins[2]))
            if (members.TryGetValue((a, b, c), out var list))
                foreach (int index in list) yield return index;
    }

    (int, int, int) BinOf(double[] f) => (Bin(f[0], bins[0]), Bin(f[1], bins[1]), Bin(f[2], bins[2]));

    static int Bin(double x, int count) => Math.Min(count - 1, (int)(PeriodicGeometry.Wrap(x) * count));

    /// <summary>The bin and its two periodic neighbours along one axis, without repeats when the axis has fewer than 3 bins.</summary>
    static IEnumerable<int> Around(int bin, int count) =>
        count >= 3 ? new[] { (bin + count - 1) % count, bin, (bin + 1) % count } : Enumerable.Range(0, count);
}
