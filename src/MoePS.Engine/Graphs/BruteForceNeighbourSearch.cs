using MoePS.Engine.Crystals;

namespace MoePS.Engine.Graphs;

/// <summary>
/// Reference neighbour search: every atom against every periodic image of every atom within
/// the radius. O(N²·images); the yardstick the fast search is tested against.
/// </summary>
public static class BruteForceNeighbourSearch
{
    /// <summary>All neighbours (j, distance) of each atom within the radius, sorted by distance then index.</summary>
    public static List<(int Index, double Distance)>[] AllNeighbours(Crystal crystal, double radius)
    {
        var lat = crystal.Lattice;
        int n = crystal.AtomCount;
        var frac = crystal.Sites.Select(s => s.Fractional.Select(x => x - Math.Floor(x)).ToArray()).ToArray();
        var cart = frac.Select(lat.ToCartesian).ToArray();
        int[] range = new int[3];
        for (int k = 0; k < 3; k++) range[k] = (int)Math.Ceiling(radius / PlaneSpacing(lat, k)) + 1;

        var result = new List<(int, double)>[n];
        for (int i = 0; i < n; i++)
        {
            var list = new List<(int Index, double Distance)>();
            for (int a = -range[0]; a <= range[0]; a++)
            for (int b = -range[1]; b <= range[1]; b++)
            for (int c = -range[2]; c <= range[2]; c++)
            {
                var shift = lat.ToCartesian(new double[] { a, b, c });
                for (int j = 0; j < n; j++)
                {
                    double dx = cart[j][0] + shift[0] - cart[i][0];
                    double dy = cart[j][1] + shift[1] - cart[i][1];
                    double dz = cart[j][2] + shift[2] - cart[i][2];
                    double d = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                    if (d <= radius && d > 1e-8) list.Add((j, d));
                }
            }
            list.Sort((x, y) => x.Distance != y.Distance ? x.Distance.CompareTo(y.Distance) : x.Index.CompareTo(y.Index));
            result[i] = list;
        }
        return result;
    }

    /// <summary>Distance between the lattice planes spanned by the other two vectors (Å).</summary>
    internal static double PlaneSpacing(Lattice lat, int k)
    {
        int p = (k + 1) % 3, q = (k + 2) % 3;
        double[] u = { lat[p, 0], lat[p, 1], lat[p, 2] }, v = { lat[q, 0], lat[q, 1], lat[q, 2] };
        double cx = u[1] * v[2] - u[2] * v[1], cy = u[2] * v[0] - u[0] * v[2], cz = u[0] * v[1] - u[1] * v[0];
        return lat.Volume / Math.Sqrt(cx * cx + cy * cy + cz * cz);
    }

    /// <summary>The CGCNN graph from the reference search: nearest MaxNeighbours kept, padded.</summary>
    public static CrystalGraph Build(Crystal crystal, GraphSettings settings)
    {
        var all = AllNeighbours(crystal, settings.Radius);
        int m = settings.MaxNeighbours, n = crystal.AtomCount;
        var idx = new int[n * m];
        var dist = new double[n * m];
        for (int i = 0; i < n; i++)
            for (int s = 0; s < m; s++)
            {
                bool real = s < all[i].Count;
                idx[i * m + s] = real ? all[i][s].Index : 0;
                dist[i * m + s] = real ? all[i][s].Distance : settings.PadDistance;
            }
        return new CrystalGraph(crystal.AtomicNumbers, idx, dist, m);
    }
}
