using static TorchSharp.torch;

namespace MoePS.Engine.Training.Packing;

/// <summary>One parameter of R runs stacked run first, [R, ...], with its gradient of the same shape.</summary>
internal sealed record StackedTensor(Tensor Value, Tensor Grad);
