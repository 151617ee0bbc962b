using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Training.Packing;

/// <summary>
/// One Adam optimiser over the parameters of R runs stacked run first ([R, ...], see <see cref="StackedParameters"/>),
/// equal to R independent torch.optim.Adam optimisers, one per run, including when some runs skip steps.
/// <para>
/// Why it is equal. torch's Adam updates each parameter tensor p with gradient g, moments m, v and step count t as
/// g' = g + λp, m ← β₁m + (1−β₁)g', v ← β₂v + (1−β₂)g'², p ← p − (η/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε).
/// Every operation is element-wise: element i of the new (p, m, v) depends only on element i of the old (p, g, m, v)
/// and on the scalars η, t, β₁, β₂, ε, λ. A stacked tensor holds run r's tensor in row r, so applying the same
/// element-wise map to the rows of run r, with run r's own η and t, computes exactly run r's update. Only t and η are
/// per parameter in torch; here they are kept per run (each run's parameters share one step count and, per parameter
/// group, one rate, as in its own optimiser), and the rows of runs that step with equal (t, η) are updated together
/// with those scalars: the whole tensors when every run steps, else their rows gathered, updated and written back.
/// </para>
/// <para>
/// Masking. A run that does not take a step (it has stopped, or has no batch left in this epoch) must come out of it
/// with its p, m, v and t unchanged, as if its optimiser had not been called. A zero gradient would not do that:
/// with g = 0 the moments still decay (m ← β₁m, v ← β₂v), t still advances, and p still moves by
/// η·m̂/(√v̂ + ε) ≠ 0 whenever m ≠ 0. So the rows of a run that does not step are neither read nor written, and its
/// step count stays where it was.
/// </para>
/// </summary>
internal sealed class StackedAdam : IDisposable
{
    const double Beta1 = OptimizerFactory.AdamBeta1, Beta2 = OptimizerFactory.AdamBeta2, Epsilon = OptimizerFactory.AdamEpsilon;

    readonly IReadOnlyList<IReadOnlyList<StackedTensor>> groups;
    readonly List<List<(Tensor Average, Tensor SquareAverage)>> moments;
    readonly long[] steps;
    readonly double weightDecay;

    /// <param name="groups">Parameter groups, each a list of stacked parameters with their gradients, all [R, ...].</param>
    /// <param name="runs">R.</param>
    /// <param name="weightDecay">λ, the L2 penalty added to the gradient (torch's weight_decay).</param>
    public StackedAdam(IReadOnlyList<IReadOnlyList<StackedTensor>> groups, int runs, double weightDecay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        if (groups.SelectMany(g => g).Any(p => p.Value.shape[0] != runs))
            throw new ArgumentException($"Every stacked parameter must have {runs} rows, one per run.", nameof(groups));
        this.groups = groups;
        this.weightDecay = weightDecay;
        steps = new long[runs];
        moments = groups.Select(g => g.Select(p => (zeros_like(p.Value), zeros_like(p.Value))).ToList()).ToList();
    }

    /// <summary>Steps taken by each run.</summary>
    public IReadOnlyList<long> Steps => steps;

    /// <summary>One step of the runs in <paramref name="stepping"/>; the others are left exactly as they are.</summary>
    /// <param name="rates">Learning rate by parameter group, then by run.</param>
    /// <param name="stepping">The runs that take this step (their gradients are in the stacked gradients).</param>
    public void Step(IReadOnlyList<IReadOnlyList<double>> rates, IReadOnlyCollection<int> stepping)
    {
        if (rates.Count != groups.Count) throw new ArgumentException($"One list of rates per parameter group ({groups.Count}) is needed.", nameof(rates));
        using var noGrad = no_grad();
        foreach (int r in stepping) steps[r]++;
        var device = groups.SelectMany(g => g).First().Value.device;
        foreach (var runs in Cohorts(stepping, rates))
        {
            using var scope = NewDisposeScope();
            var rows = runs.Count == steps.Length ? null : tensor(runs.Select(r => (long)r).ToArray(), device: device);
            for (int g = 0; g < groups.Count; g++)
                for (int j = 0; j < groups[g].Count; j++)
                    Update(groups[g][j], moments[g][j], rows, steps[runs[0]], rates[g][runs[0]]);
        }
    }

    /// <summary>The stepping runs in sets of equal step count and equal rates, each set in ascending run order.</summary>
    List<List<int>> Cohorts(IReadOnlyCollection<int> stepping, IReadOnlyList<IReadOnlyList<double>> rates)
    {
        bool Alike(int a, int b) => steps[a] == steps[b] && rates.All(g => g[a] == g[b]);
        var cohorts = new List<List<int>>();
        foreach (int r in stepping.Order())
        {
            var same = cohorts.Find(c => Alike(c[0], r));
            if (same != null) same.Add(r);
            else cohorts.Add(new List<int> { r });
        }
        return cohorts;
    }

    /// <summary>torch.optim.Adam's update (TorchSharp's Modules.Adam.step, operation for operation) of the given rows (all when null).</summary>
    void Update(StackedTensor parameter, (Tensor Average, Tensor SquareAverage) moment, Tensor? rows, long step, double rate)
    {
        var value = rows is null ? parameter.Value : parameter.Value.index_select(0, rows);
        var grad = rows is null ? parameter.Grad : parameter.Grad.index_select(0, rows);
        var average = rows is null ? moment.Average : moment.Average.index_select(0, rows);
        var squareAverage = rows is null ? moment.SquareAverage : moment.SquareAverage.index_select(0, rows);

        double biasCorrection1 = 1 - Math.Pow(Beta1, step), biasCorrection2 = 1 - Math.Pow(Beta2, step);
        // Explicit scalars, alive until the end: TorchSharp frees an implicitly converted one from the finalizer
        // thread, which may happen while the native call that received it still reads it.
        using Scalar decay = weightDecay.ToScalar(), beta1 = Beta1.ToScalar(), keep1 = (1 - Beta1).ToScalar(), beta2 = Beta2.ToScalar(),
            keep2 = (1 - Beta2).ToScalar(), correction2 = Math.Sqrt(biasCorrection2).ToScalar(), epsilon = Epsilon.ToScalar(),
            stepSize = (-rate / biasCorrection1).ToScalar();
        if (weightDecay != 0) grad = grad.add(value, alpha: decay);
        average.mul_(beta1).add_(grad, alpha: keep1);
        squareAverage.mul_(beta2).addcmul_(grad, grad, value: keep2);
        var denominator = squareAverage.sqrt().div_(correction2).add_(epsilon, HeldScalars.One);
        value.addcdiv_(average, denominator, value: stepSize);

        if (rows is null) return;
        parameter.Value.index_copy_(0, rows, value);
        moment.Average.index_copy_(0, rows, average);
        moment.SquareAverage.index_copy_(0, rows, squareAverage);
    }

    public void Dispose()
    {
        foreach (var (average, squareAverage) in moments.SelectMany(m => m))
        {
            average.Dispose();
            squareAverage.Dispose();
        }
    }
}
