using MoePS.Engine.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Training;

/// <summary>
/// The simplest trainable model: one number predicted for every row. Trained towards the training
/// mean from a start below the validation mean, its validation MAE falls, bottoms out when the
/// prediction passes the validation mean, then rises — a clean early-stopping scenario.
/// </summary>
internal sealed class ScalarTarget : ITrainingTarget, IDisposable
{
    readonly Parameter value;

    public ScalarTarget(float start) => value = new Parameter(tensor(new[] { start }));

    public double Value => value.to(ScalarType.Float64).item<double>();

    public IReadOnlyDictionary<string, string> Identity { get; } = new Dictionary<string, string> { ["Model"] = "one scalar (test)" };

    public Device Device => CPU;

    public IReadOnlyList<ParameterGroup> ParameterGroups(double baseLearningRate) =>
        new[] { new ParameterGroup("value", new[] { value }, baseLearningRate) };

    public void SetTraining(bool training) { }

    public Tensor Forward(int[] rows) => value.expand(rows.Length);

    public Tensor? Regularisation() => null;

    public IReadOnlyDictionary<string, Tensor> CaptureState() =>
        new Dictionary<string, Tensor> { ["value"] = value.detach().clone() };

    public void RestoreState(IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        value.copy_(state["value"]);
    }

    public void Dispose() => value.Dispose();
}
