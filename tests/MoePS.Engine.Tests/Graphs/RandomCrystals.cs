using MoePS.Engine.Crystals;

namespace MoePS.Engine.Tests.Graphs;

/// <summary>Random periodic structures of the shapes that break naive neighbour searches.</summary>
public static class RandomCrystals
{
    /// <summary>Sparse: few atoms in cells of 6–12 Å, so most atoms have fewer than 12 neighbours within 8 Å and CGCNN pads.</summary>
    public enum Shape { General, Oblique, Tiny, SingleAtom, Slab, Symmetric, Sparse }

    public static Crystal Make(Shape shape, int seed)
    {
        var rng = new Random(seed * 31 + (int)shape);
        while (true)
        {
            var (matrix, atoms, slab) = shape switch
            {
                Shape.General => (FromParameters(rng, 3, 10, 55, 125), rng.Next(1, 9), false),
                Shape.Oblique => (Oblique(rng), rng.Next(1, 6), false),
                Shape.Tiny => (FromParameters(rng, 2.2, 4, 60, 120), rng.Next(1, 4), false),
                Shape.SingleAtom => (FromParameters(rng, 2.2, 6, 50, 130), 1, false),
                Shape.Slab => (Slab(rng), rng.Next(2, 7), true),
                Shape.Sparse => (FromParameters(rng, 6, 12, 70, 110), rng.Next(1, 4), false),
                _ => (Cubic(rng), 0, false),
            };
            Lattice lattice;
            try { lattice = new Lattice(matrix); }
            catch (CrystalFormatException) { continue; }
            if (MinSpacing(lattice) < 1.6) continue; // keeps the brute force quick
            var fractional = shape == Shape.Symmetric ? SymmetricSites(rng) : RandomSites(rng, atoms, slab);
            return Build($"{shape}-{seed}", lattice, fractional, rng);
        }
    }

    /// <summary>A large cell of random atoms (the 300-atom case).</summary>
    public static Crystal Large(int atoms, double edge, int seed)
    {
        var rng = new Random(seed);
        var lattice = Lattice.FromParameters(edge, edge * 1.1, edge * 0.9, 80, 95, 105);
        return Build($"large-{atoms}", lattice, RandomSites(rng, atoms, false), rng);
    }

    public static Crystal Build(string id, Lattice lattice, IEnumerable<double[]> fractional, Random rng) =>
        new(id, lattice, fractional.Select(f => new Site(Element.FromNumber(rng.Next(1, 84)), f, lattice.ToCartesian(f))).ToList());

    static double MinSpacing(Lattice lattice)
    {
        var m = lattice.Matrix;
        double min = double.MaxValue;
        for (int k = 0; k < 3; k++)
        {
            int p = (k + 1) % 3, q = (k + 2) % 3;
            double cx = m[p, 1] * m[q, 2] - m[p, 2] * m[q, 1], cy = m[p, 2] * m[q, 0] - m[p, 0] * m[q, 2], cz = m[p, 0] * m[q, 1] - m[p, 1] * m[q, 0];
            min = Math.Min(min, lattice.Volume / Math.Sqrt(cx * cx + cy * cy + cz * cz));
        }
        return min;
    }

    static double[,] FromParameters(Random rng, double minLength, double maxLength, double minAngle, double maxAngle)
    {
        double L() => minLength + rng.NextDouble() * (maxLength - minLength);
        double A() => minAngle + rng.NextDouble() * (maxAngle - minAngle);
        try { return Lattice.FromParameters(L(), L(), L(), A(), A(), A()).Matrix; }
        catch (CrystalFormatException) { return new double[3, 3]; }
    }

    /// <summary>Strongly sheared cells: lattice vectors far from orthogonal, not aligned with axes.</summary>
    static double[,] Oblique(Random rng)
    {
        double S() => (rng.NextDouble() * 2 - 1) * 2.5;
        double a = 3 + rng.NextDouble() * 4, b = 3 + rng.NextDouble() * 4, c = 3 + rng.NextDouble() * 4;
        return new double[,] { { a, 0.3 * S(), 0.2 * S() }, { a * S(), b, 0.3 * S() }, { a * S(), b * S(), c } };
    }

    /// <summary>A 2D material: short in-plane vectors, 20–30 Å of vacuum along c.</summary>
    static double[,] Slab(Random rng)
    {
        double a = 3 + rng.NextDouble() * 2, b = 3 + rng.NextDouble() * 2, gamma = (60 + rng.NextDouble() * 60) * Math.PI / 180;
        return new double[,] { { a, 0, 0 }, { b * Math.Cos(gamma), b * Math.Sin(gamma), 0 }, { 0.3, -0.2, 20 + rng.NextDouble() * 10 } };
    }

    static double[,] Cubic(Random rng)
    {
        double a = 3 + rng.Next(0, 4) * 0.5;
        return new double[,] { { a, 0, 0 }, { 0, a, 0 }, { 0, 0, a } };
    }

    /// <summary>Random sites, some outside [0, 1) so the search must wrap them; slabs keep c within 0.4–0.6.</summary>
    static List<double[]> RandomSites(Random rng, int count, bool slab)
    {
        var sites = new List<double[]>();
        for (int i = 0; i < count; i++)
        {
            double F() => rng.NextDouble() * 1.6 - 0.3;
            sites.Add(new[] { F(), F(), slab ? 0.4 + 0.2 * rng.NextDouble() : F() });
        }
        return sites;
    }

    /// <summary>Sites on a half-grid (rock salt, CsCl, fcc-like), full of exactly equal distances.</summary>
    static List<double[]> SymmetricSites(Random rng)
    {
        var grid = new List<double[]>();
        foreach (double x in new[] { 0.0, 0.5 })
            foreach (double y in new[] { 0.0, 0.5 })
                foreach (double z in new[] { 0.0, 0.5, 1.0 })
                    grid.Add(new[] { x, y, z });
        return grid.OrderBy(_ => rng.Next()).Take(rng.Next(1, 5)).DistinctBy(f => (f[0], f[1], f[2] % 1)).ToList();
    }
}
