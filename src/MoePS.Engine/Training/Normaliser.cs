namespace MoePS.Engine.Training;

/// <summary>
/// Label normaliser: (y − mean) / std with the mean and the unbiased sample standard deviation
/// (n − 1), as CGCNN's Normalizer computes them with torch.mean/torch.std.
/// </summary>
public sealed record Normaliser(double Mean, double Std)
{
    /// <summary>No scaling: what an untrained model reports.</summary>
    public static Normaliser Identity { get; } = new(0.0, 1.0);

    /// <summary>Fits to the known (non-NaN) values. A constant or single label gets std 1, so nothing divides by zero.</summary>
    public static Normaliser Fit(IEnumerable<double> values)
    {
        var known = values.Where(v => !double.IsNaN(v)).ToArray();
        if (known.Length == 0)
            throw new ArgumentException("A normaliser needs at least one known target value.", nameof(values));
        double mean = known.Average();
        double std = known.Length > 1
            ? Math.Sqrt(known.Sum(v => (v - mean) * (v - mean)) / (known.Length - 1))
            : 0;
        return new Normaliser(mean, std > 0 && double.IsFinite(std) ? std : 1);
    }

    /// <summary>Why this normaliser cannot scale labels (a mean that is not finite, a std that is not finite and positive); null when it can.</summary>
    public string? Defect() =>
        !double.IsFinite(Mean) ? FormattableString.Invariant($"its mean is {Mean}")
        : !(double.IsFinite(Std) && Std > 0) ? FormattableString.Invariant($"its std is {Std} (it must be finite and above 0)")
        : null;

    public double Normalise(double value) => (value - Mean) / Std;

    public double Denormalise(double value) => value * Std + Mean;

    public override string ToString() => $"mean {Mean:G6}, std {Std:G6}";
}
