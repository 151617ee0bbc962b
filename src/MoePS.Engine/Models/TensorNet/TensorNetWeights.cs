using MoePS.Engine.Models.Formats;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// The state_dict of a MatGL TensorNet Potential (state.pt), checked strictly against the architecture: the model's
/// tensors under <c>model.</c>, the potential's scaling (data_mean, data_std, element_refs.property_offset) and two
/// constants it must agree with (the radial basis' cutoff; element_refs.onehot, the identity).
/// </summary>
public sealed class TensorNetWeights
{
    const string ModelPrefix = "model.";
    const string CutoffKey = "model.bond_expansion.rbf.cutoff";
    const string OneHotKey = "element_refs.onehot";
    const string OffsetKey = "element_refs.property_offset";
    const string MeanKey = "data_mean";
    const string StdKey = "data_std";

    TensorNetWeights(double dataMean, double dataStd, double[] elementOffsets)
    {
        DataMean = dataMean;
        DataStd = dataStd;
        ElementOffsets = elementOffsets;
    }

    /// <summary>Energy = DataStd·(Σ atomic outputs) + DataMean + Σ ElementOffsets[type] (eV).</summary>
    public double DataMean { get; }
    public double DataStd { get; }
    /// <summary>The reference energy of each element type (eV), in the embedding's order.</summary>
    public IReadOnlyList<double> ElementOffsets { get; }

    /// <summary>Reads <paramref name="path"/> with the engine's checkpoint reader (tensors only) and loads <paramref name="model"/>.</summary>
    public static TensorNetWeights Load(TensorNetModel model, string path)
    {
        using var scope = NewDisposeScope();   // the checks' temporaries (TensorLifetimes)
        using var checkpoint = PyTorchCheckpoint.Read(path);
        var tensors = checkpoint.StateDict;
        var architecture = model.Architecture;
        int types = architecture.ElementTypes.Count;

        var expected = model.state_dict().ToDictionary(kv => ModelPrefix + kv.Key, kv => kv.Value);
        var known = new HashSet<string>(expected.Keys) { CutoffKey, OneHotKey, OffsetKey, MeanKey, StdKey };
        var missing = known.Where(k => !tensors.ContainsKey(k)).ToList();
        if (missing.Count > 0) throw Refused(path, $"missing tensors for this architecture: {List(missing)}.");
        var extra = tensors.Keys.Where(k => !known.Contains(k)).ToList();
        if (extra.Count > 0) throw Refused(path, $"tensors this architecture does not have: {List(extra)}.");
        foreach (var (name, target) in expected)
            if (!tensors[name].shape.SequenceEqual(target.shape))
                throw Refused(path, $"tensor '{name}' has shape [{string.Join(", ", tensors[name].shape)}]; the architecture needs [{string.Join(", ", target.shape)}].");

        if (Scalar(tensors[CutoffKey], path, CutoffKey) != architecture.Cutoff)
            throw Refused(path, $"the radial basis' cutoff is {Scalar(tensors[CutoffKey], path, CutoffKey)} Å; model.json says {architecture.Cutoff} Å.");
        var oneHot = tensors[OneHotKey];
        if (!oneHot.shape.SequenceEqual(new long[] { types, types }) || !IsIdentity(oneHot))
            throw Refused(path, $"'{OneHotKey}' is not the {types}×{types} identity, so the element offsets cannot be read per element.");
        var offsets = tensors[OffsetKey];
        if (!offsets.shape.SequenceEqual(new long[] { types }))
            throw Refused(path, $"'{OffsetKey}' has shape [{string.Join(", ", offsets.shape)}]; one offset per element type ({types}) is needed.");

        using (no_grad())
            foreach (var (name, target) in expected)
                target.copy_(tensors[name]);
        using var offsets64 = offsets.to(float64);
        return new TensorNetWeights(Scalar(tensors[MeanKey], path, MeanKey), Scalar(tensors[StdKey], path, StdKey), offsets64.data<double>().ToArray());
    }

    static double Scalar(Tensor t, string path, string name)
    {
        if (t.numel() != 1) throw Refused(path, $"'{name}' should be one number, not a tensor of shape [{string.Join(", ", t.shape)}].");
        using var value = t.to(float64);
        return value.item<double>();
    }

    static bool IsIdentity(Tensor square)
    {
        using var identity = eye(square.shape[0], dtype: square.dtype);
        using var same = square.eq(identity).all();
        return same.item<bool>();
    }

    static string List(List<string> names) =>
        string.Join(", ", names.Take(8)) + (names.Count > 8 ? $" (and {names.Count - 8} more)" : "");

    static ExtractorFormatException Refused(string path, string message) => new(path, message);
}
