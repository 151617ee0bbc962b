using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Training;

/// <summary>
/// A small real model for the trainer's tests: Linear → BatchNorm → ReLU → Linear over fixed
/// per-row features, in two parameter groups (body at the base rate, head at a chosen multiple).
/// </summary>
internal sealed class MlpTarget : ITrainingTarget, IDisposable
{
    readonly Tensor features;
    readonly Linear body;
    readonly BatchNorm1d norm;
    readonly Linear head;
    readonly Sequential network;

    public MlpTarget(SyntheticRegression data, long initSeed, int hidden = 16, double headRateFactor = 1.0, double regularisation = 0)
    {
        features = data.Features;
        (body, head) = (nn.Linear(features.shape[1], hidden), nn.Linear(hidden, 1));
        // Drawn from a generator of its own: torch's global one is shared with tests running beside this one.
        using (var generator = new Generator((ulong)initSeed))
        using (no_grad())
        {
            MlpHead.ResetLinear(body, generator);
            MlpHead.ResetLinear(head, generator);
        }
        norm = nn.BatchNorm1d(hidden); // deterministic initial values: no draw
        network = nn.Sequential(("body", body), ("norm", norm), ("relu", nn.ReLU()), ("head", head));
        HeadRateFactor = headRateFactor;
        RegularisationWeight = regularisation;
        Identity = new Dictionary<string, string>
        {
            ["Model"] = "MLP (test)",
            ["Hidden"] = hidden.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Regularisation"] = regularisation.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public IReadOnlyDictionary<string, string> Identity { get; }

    public double HeadRateFactor { get; }
    public double RegularisationWeight { get; }

    /// <summary>Called with the running count before each Forward (to cancel mid-run in tests).</summary>
    public Action<int>? BeforeForward { get; set; }
    public int ForwardCalls { get; private set; }

    public Device Device => CPU;

    public IReadOnlyList<ParameterGroup> ParameterGroups(double baseLearningRate) => new[]
    {
        new ParameterGroup("body", body.parameters().Concat(norm.parameters()).ToArray(), baseLearningRate),
        new ParameterGroup("head", head.parameters().ToArray(), baseLearningRate * HeadRateFactor),
    };

    public void SetTraining(bool training) => network.train(training);

    public Tensor Forward(int[] rows)
    {
        BeforeForward?.Invoke(++ForwardCalls);
        var index = tensor(rows.Select(r => (long)r).ToArray());
        return network.forward(features.index_select(0, index)).squeeze(-1);
    }

    public Tensor? Regularisation() => RegularisationWeight > 0 ? head.weight!.pow(2).sum() * RegularisationWeight : null;

    /// <summary>The regulariser's value now, as a number.</summary>
    public double RegularisationValue()
    {
        using var _ = no_grad();
        using var r = Regularisation();
        return r is null ? 0 : r.to(ScalarType.Float64).item<double>();
    }

    public IReadOnlyDictionary<string, Tensor> CaptureState() => ModuleState.Copy(network);

    public void RestoreState(IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        foreach (var (name, t) in network.state_dict()) t.copy_(state[name]);
    }

    /// <summary>All state flattened to doubles, name by name, for exact comparisons.</summary>
    public Dictionary<string, double[]> Snapshot() =>
        network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float64).data<double>().ToArray());

    public void Dispose() => network.Dispose();
}
