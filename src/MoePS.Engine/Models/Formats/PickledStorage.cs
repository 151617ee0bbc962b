using static TorchSharp.torch;

namespace MoePS.Engine.Models.Formats;

/// <summary>A storage of a PyTorch checkpoint as its pickle names it: the zip entry of its bytes, the dtype and the element count it claims.</summary>
internal sealed record PickledStorage(string Entry, ScalarType DType, long ElementCount);
