namespace MoePS.Engine.Crystals;

/// <summary>Distances between fractional positions under periodic boundary conditions.</summary>
public static class PeriodicGeometry
{
    /// <summary>Wraps a fractional coordinate into [0, 1).</summary>
    public static double Wrap(double x)
    {
        double w = x - Math.Floor(x);
        return w >= 1.0 ? 0.0 : w;
    }

    /// <summary>
    /// Shortest Cartesian distance (Å) between two fractional positions over periodic images: the difference is
    /// first reduced to [-0.5, 0.5] per axis, then the 27 neighbouring images are tried, which is exact for
    /// reasonably shaped cells and an upper bound for extremely skewed ones.
    /// </summary>
    public static double Distance(Lattice lattice, double[] a, double[] b, bool excludeZeroImage = false)
    {
        double dx = b[0] - a[0], dy = b[1] - a[1], dz = b[2] - a[2];
        dx -= Math.Round(dx); dy -= Math.Round(dy); dz -= Math.Round(dz);
        double best = double.PositiveInfinity;
        for (int i = -1; i <= 1; i++)
        for (int j = -1; j <= 1; j++)
        for (int k = -1; k <= 1; k++)
        {
            double fx = dx + i, fy = dy + j, fz = dz + k;
            if (excludeZeroImage && Math.Abs(fx) < 1e-12 && Math.Abs(fy) < 1e-12 && Math.Abs(fz) < 1e-12) continue;
            double x = fx * lattice[0, 0] + fy * lattice[1, 0] + fz * lattice[2, 0];
            double y = fx * lattice[0, 1] + fy * lattice[1, 1] + fz * lattice[2, 1];
            double z = fx * lattice[0, 2] + fy * lattice[1, 2] + fz * lattice[2, 2];
            double d2 = x * x + y * y + z * z;
            if (d2 < best) best = d2;
        }
        return Math.Sqrt(best);
    }
}
