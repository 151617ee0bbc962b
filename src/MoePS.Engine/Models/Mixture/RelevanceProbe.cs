namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// How well each extractor's frozen crystal features predict a task on their own, before any training: a ridge
/// regression fitted in closed form on the training rows (features standardised on them), scored by its MAE on the
/// validation rows; the ridge strength is the best on the validation rows of a small grid. Milliseconds per extractor;
/// the test rows are never read.
/// </summary>
public static class RelevanceProbe
{
    static readonly double[] RidgeGrid = { 1e-2, 1e-1, 1, 10, 100 };

    /// <summary>Validation MAE of the probe on <paramref name="train"/>'s and <paramref name="validation"/>'s features and labels.</summary>
    /// <param name="train">Feature vectors of the training rows (one per crystal, all of one length).</param>
    /// <param name="trainLabels">Their labels.</param>
    /// <param name="validation">Feature vectors of the validation rows.</param>
    /// <param name="validationLabels">Their labels.</param>
    public static double ValidationError(IReadOnlyList<float[]> train, IReadOnlyList<double> trainLabels,
        IReadOnlyList<float[]> validation, IReadOnlyList<double> validationLabels)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        if (train.Count == 0 || validation.Count == 0) throw new ArgumentException("The probe needs training and validation rows.");
        int f = train[0].Length;
        var (mean, scale) = Standardisation(train, f);
        double labelMean = trainLabels.Average();
        var gram = new double[f, f];
        var moment = new double[f];
        var x = new double[f];
        for (int r = 0; r < train.Count; r++)
        {
            Standardise(train[r], mean, scale, x);
            double y = trainLabels[r] - labelMean;
            for (int i = 0; i < f; i++)
            {
                moment[i] += x[i] * y;
                for (int j = 0; j <= i; j++) gram[i, j] += x[i] * x[j];
            }
        }
        double best = double.PositiveInfinity;
        foreach (double ridge in RidgeGrid)
        {
            double[] w = Solve(gram, moment, ridge * train.Count);
            double error = 0;
            for (int r = 0; r < validation.Count; r++)
            {
                Standardise(validation[r], mean, scale, x);
                double predicted = labelMean;
                for (int i = 0; i < f; i++) predicted += w[i] * x[i];
                error += Math.Abs(predicted - validationLabels[r]);
            }
            best = Math.Min(best, error / validation.Count);
        }
        return best;
    }

    /// <summary>The gate's starting θ from the extractors' probe errors: θ_i = 1 + ln(e_min / e_i) (see <see cref="GateStart.Probe"/>).</summary>
    public static float[] GateStart(IReadOnlyList<double> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        double min = errors.Min();
        return errors.Select(e => (float)(1 + Math.Log(Math.Max(min, double.Epsilon) / Math.Max(e, double.Epsilon)))).ToArray();
    }

    static (double[] Mean, double[] Scale) Standardisation(IReadOnlyList<float[]> rows, int f)
    {
        var mean = new double[f];
        var scale = new double[f];
        foreach (var row in rows)
            for (int i = 0; i < f; i++) mean[i] += row[i];
        for (int i = 0; i < f; i++) mean[i] /= rows.Count;
        foreach (var row in rows)
            for (int i = 0; i < f; i++) scale[i] += (row[i] - mean[i]) * (row[i] - mean[i]);
        for (int i = 0; i < f; i++)
        {
            double sd = Math.Sqrt(scale[i] / rows.Count);
            scale[i] = sd > 1e-12 ? 1 / sd : 0; // a constant feature carries nothing
        }
        return (mean, scale);
    }

    static void Standardise(float[] row, double[] mean, double[] scale, double[] into)
    {
        for (int i = 0; i < into.Length; i++) into[i] = (row[i] - mean[i]) * scale[i];
    }

    /// <summary>(G + λI) w = b for the symmetric G of which the lower triangle is filled, by Cholesky.</summary>
    static double[] Solve(double[,] gram, double[] b, double lambda)
    {
        int f = b.Length;
        var l = new double[f, f];
        for (int i = 0; i < f; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = gram[i, j] + (i == j ? lambda : 0);
                for (int p = 0; p < j; p++) sum -= l[i, p] * l[j, p];
                l[i, j] = i == j ? Math.Sqrt(sum) : sum / l[j, j];
            }
        }
        var z = new double[f];
        for (int i = 0; i < f; i++)
        {
            double sum = b[i];
            for (int p = 0; p < i; p++) sum -= l[i, p] * z[p];
            z[i] = sum / l[i, i];
        }
        var w = new double[f];
        for (int i = f - 1; i >= 0; i--)
        {
            double sum = z[i];
            for (int p = i + 1; p < f; p++) sum -= l[p, i] * w[p];
            w[i] = sum / l[i, i];
        }
        return w;
    }
}
