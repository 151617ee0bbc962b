namespace MoePS.Engine.Crystals;

/// <summary>A periodic cell. Rows of <see cref="Matrix"/> are the lattice vectors a, b, c in Å.</summary>
public sealed class Lattice
{
    readonly double[,] m;
    readonly double[,] inv;

    public Lattice(double[,] matrix)
    {
        if (matrix.GetLength(0) != 3 || matrix.GetLength(1) != 3)
            throw new ArgumentException("A lattice matrix must be 3×3.", nameof(matrix));
        m = (double[,])matrix.Clone();
        Volume = Math.Abs(Det(m));
        if (!(Volume > 1e-8) || double.IsNaN(Volume))
            throw new CrystalFormatException($"The lattice has zero (or non-finite) volume ({Volume:G4} Å³).");
        inv = Invert(m);
    }

    /// <summary>
    /// Builds the cell from lengths (Å) and angles (degrees), pymatgen's convention (c along z). Lengths must be
    /// positive and angles strictly between 0° and 180°, and the three angles must be able to meet at a corner.
    /// </summary>
    public static Lattice FromParameters(double a, double b, double c, double alpha, double beta, double gamma)
    {
        foreach (var (name, length) in new[] { ("a", a), ("b", b), ("c", c) })
            if (!(length > 0) || !double.IsFinite(length))
                throw new CrystalFormatException(FormattableString.Invariant($"the cell length {name} is {length} Å; lengths must be positive."));
        foreach (var (name, angle) in new[] { ("alpha", alpha), ("beta", beta), ("gamma", gamma) })
            if (!(angle > 0 && angle < 180))
                throw new CrystalFormatException(FormattableString.Invariant($"the cell angle {name} is {angle}°; angles must lie strictly between 0° and 180°."));
        double ar = alpha * Math.PI / 180, br = beta * Math.PI / 180, gr = gamma * Math.PI / 180;
        double val = (Math.Cos(ar) * Math.Cos(br) - Math.Cos(gr)) / (Math.Sin(ar) * Math.Sin(br));
        // Beyond ±1 (more than rounding), no cell has these angles: each must be at most the sum of the other two.
        if (Math.Abs(val) > 1 + 1e-9)
            throw new CrystalFormatException(FormattableString.Invariant(
                $"no cell has the angles alpha = {alpha}°, beta = {beta}°, gamma = {gamma}° (each must be less than the sum of the other two, and their sum less than 360°)."));
        // At ±1 the cell is flat: one angle is the sum of the other two, or they add up to 360° (e.g. all three 120°).
        if (Math.Abs(val) > 1 - 1e-9)
            throw new CrystalFormatException(FormattableString.Invariant(
                $"the cell angles alpha = {alpha}°, beta = {beta}°, gamma = {gamma}° give a cell of zero volume (one is the sum of the other two, or they add up to 360°)."));
        val = Math.Clamp(val, -1, 1);
        double gammaStar = Math.Acos(val);
        var matrix = new double[3, 3]
        {
            { a * Math.Sin(br), 0, a * Math.Cos(br) },
            { -b * Math.Sin(ar) * Math.Cos(gammaStar), b * Math.Sin(ar) * Math.Sin(gammaStar), b * Math.Cos(ar) },
            { 0, 0, c },
        };
        return new Lattice(matrix);
    }

    public double this[int row, int col] => m[row, col];
    public double[,] Matrix => (double[,])m.Clone();
    public double Volume { get; }
    public double A => Length(0);
    public double B => Length(1);
    public double C => Length(2);
    public double Alpha => Angle(1, 2);
    public double Beta => Angle(0, 2);
    public double Gamma => Angle(0, 1);

    public double[] ToCartesian(double[] frac) => new[]
    {
        frac[0] * m[0, 0] + frac[1] * m[1, 0] + frac[2] * m[2, 0],
        frac[0] * m[0, 1] + frac[1] * m[1, 1] + frac[2] * m[2, 1],
        frac[0] * m[0, 2] + frac[1] * m[1, 2] + frac[2] * m[2, 2],
    };

    public double[] ToFractional(double[] cart) => new[]
    {
        cart[0] * inv[0, 0] + cart[1] * inv[1, 0] + cart[2] * inv[2, 0],
        cart[0] * inv[0, 1] + cart[1] * inv[1, 1] + cart[2] * inv[2, 1],
        cart[0] * inv[0, 2] + cart[1] * inv[1, 2] + cart[2] * inv[2, 2],
    };

    double Length(int i) => Math.Sqrt(m[i, 0] * m[i, 0] + m[i, 1] * m[i, 1] + m[i, 2] * m[i, 2]);

    double Angle(int i, int j)
    {
        double dot = m[i, 0] * m[j, 0] + m[i, 1] * m[j, 1] + m[i, 2] * m[j, 2];
        return Math.Acos(Math.Clamp(dot / (Length(i) * Length(j)), -1, 1)) * 180 / Math.PI;
    }

    static double Det(double[,] a) =>
        a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1])
        - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
        + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);

    static double[,] Invert(double[,] a)
    {
        double d = Det(a);
        var r = new double[3, 3];
        r[0, 0] = (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]) / d;
        r[0, 1] = (a[0, 2] * a[2, 1] - a[0, 1] * a[2, 2]) / d;
        r[0, 2] = (a[0, 1] * a[1, 2] - a[0, 2] * a[1, 1]) / d;
        r[1, 0] = (a[1, 2] * a[2, 0] - a[1, 0] * a[2, 2]) / d;
        r[1, 1] = (a[0, 0] * a[2, 2] - a[0, 2] * a[2, 0]) / d;
        r[1, 2] = (a[0, 2] * a[1, 0] - a[0, 0] * a[1, 2]) / d;
        r[2, 0] = (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]) / d;
        r[2, 1] = (a[0, 1] * a[2, 0] - a[0, 0] * a[2, 1]) / d;
        r[2, 2] = (a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]) / d;
        return r;
    }

    public override string ToString() => $"a={A:F4} b={B:F4} c={C:F4} α={Alpha:F2} β={Beta:F2} γ={Gamma:F2}";
}
