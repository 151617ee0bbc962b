namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Central moment discrepancy (Zellinger et al., ICLR 2017) between two samples on [a, b]^d:
/// ‖E(X) − E(Y)‖₂ / |b − a| + Σ_{k=2..K} ‖c_k(X) − c_k(Y)‖₂ / |b − a|^k, with c_k the vector of
/// k-th central moments per dimension. The paper's transferability analysis squashes features
/// and standardised labels into [0, 1] with a sigmoid and uses K = 50.
/// </summary>
public static class CentralMomentDiscrepancy
{
    public const int DefaultOrder = 50;

    /// <summary>CMD of samples <paramref name="x"/> (n×d) and <paramref name="y"/> (m×d) whose values lie in [lower, upper].</summary>
    public static double Compute(double[,] x, double[,] y, int maxOrder = DefaultOrder, double lower = 0, double upper = 1)
    {
        if (maxOrder < 1) throw new ArgumentOutOfRangeException(nameof(maxOrder), maxOrder, "The order must be at least 1.");
        if (!(upper > lower)) throw new ArgumentException($"The interval [{lower}, {upper}] is empty.");
        int d = x.GetLength(1);
        if (y.GetLength(1) != d)
            throw new ArgumentException($"The samples have different dimensions: {d} and {y.GetLength(1)}.");
        if (x.GetLength(0) == 0 || y.GetLength(0) == 0) throw new ArgumentException("Both samples need at least one row.");
        CheckBounds(x, lower, upper, nameof(x));
        CheckBounds(y, lower, upper, nameof(y));

        double span = upper - lower;
        var mx = ColumnMeans(x);
        var my = ColumnMeans(y);
        double cmd = Distance(mx, my) / span;

        // Running powers (x − mean)^k, raised one order per step.
        var px = Deviations(x, mx);
        var py = Deviations(y, my);
        var dx = (double[,])px.Clone();
        var dy = (double[,])py.Clone();
        double scale = span;
        for (int k = 2; k <= maxOrder; k++)
        {
            MultiplyInPlace(px, dx);
            MultiplyInPlace(py, dy);
            scale *= span;
            cmd += Distance(ColumnMeans(px), ColumnMeans(py)) / scale;
        }
        return cmd;
    }

    /// <summary>CMD in feature space: both feature matrices squashed by a sigmoid into (0, 1).</summary>
    public static double FeatureSpace(double[,] reference, double[,] target, int maxOrder = DefaultOrder) =>
        Compute(Sigmoid(reference), Sigmoid(target), maxOrder);

    /// <summary>
    /// CMD in label space: each label set is standardised by its own mean and (population) standard
    /// deviation — the tasks have different properties and units — then squashed by a sigmoid.
    /// </summary>
    public static double LabelSpace(IReadOnlyList<double> reference, IReadOnlyList<double> target, int maxOrder = DefaultOrder) =>
        Compute(Sigmoid(Standardised(reference)), Sigmoid(Standardised(target)), maxOrder);

    /// <summary>Labels as an n×1 matrix of z-scores (all zeros when the labels are constant).</summary>
    internal static double[,] Standardised(IReadOnlyList<double> labels)
    {
        if (labels.Count == 0) throw new ArgumentException("No labels to standardise.");
        double mean = labels.Average();
        double sd = Math.Sqrt(labels.Sum(v => (v - mean) * (v - mean)) / labels.Count);
        var z = new double[labels.Count, 1];
        for (int i = 0; i < labels.Count; i++) z[i, 0] = sd > 0 ? (labels[i] - mean) / sd : 0;
        return z;
    }

    internal static double[,] Sigmoid(double[,] values)
    {
        var s = new double[values.GetLength(0), values.GetLength(1)];
        for (int i = 0; i < values.GetLength(0); i++)
            for (int j = 0; j < values.GetLength(1); j++)
                s[i, j] = 1.0 / (1.0 + Math.Exp(-values[i, j]));
        return s;
    }

    static void CheckBounds(double[,] v, double lower, double upper, string name)
    {
        foreach (double e in v)
            if (!(e >= lower && e <= upper))
                throw new ArgumentOutOfRangeException(name, e, $"CMD needs values in [{lower}, {upper}]; squash them first (e.g. with a sigmoid).");
    }

    static double[] ColumnMeans(double[,] v)
    {
        int n = v.GetLength(0), d = v.GetLength(1);
        var m = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) m[j] += v[i, j];
        for (int j = 0; j < d; j++) m[j] /= n;
        return m;
    }

    static double[,] Deviations(double[,] v, double[] mean)
    {
        var dev = new double[v.GetLength(0), v.GetLength(1)];
        for (int i = 0; i < v.GetLength(0); i++)
            for (int j = 0; j < v.GetLength(1); j++) dev[i, j] = v[i, j] - mean[j];
        return dev;
    }

    static void MultiplyInPlace(double[,] power, double[,] factor)
    {
        for (int i = 0; i < power.GetLength(0); i++)
            for (int j = 0; j < power.GetLength(1); j++) power[i, j] *= factor[i, j];
    }

    static double Distance(double[] a, double[] b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
        return Math.Sqrt(s);
    }
}
