using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Formats;

/// <summary>Moves a <see cref="Cgcnn"/>'s state (parameters and BatchNorm buffers) in and out, by PyTorch state_dict names.</summary>
public static class CgcnnWeights
{
    /// <summary>
    /// Copies <paramref name="tensors"/> into the model. Strict, as PyTorch's load_state_dict(strict=True):
    /// every key present, no extra key, every shape equal (a scalar and a one-element vector count as equal).
    /// </summary>
    public static void LoadStrict(Cgcnn model, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var expected = model.state_dict();
        var missing = expected.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new ExtractorFormatException(source, $"missing tensors for this architecture: {string.Join(", ", missing.Take(8))}{(missing.Count > 8 ? $" (and {missing.Count - 8} more)" : "")}.");
        var extra = tensors.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (extra.Count > 0)
            throw new ExtractorFormatException(source, $"tensors this architecture does not have: {string.Join(", ", extra.Take(8))}{(extra.Count > 8 ? $" (and {extra.Count - 8} more)" : "")}.");
        foreach (var (name, target) in expected)
        {
            var given = tensors[name];
            bool bothScalar = target.numel() == 1 && given.numel() == 1 && target.dim() <= 1 && given.dim() <= 1;
            if (!bothScalar && !target.shape.SequenceEqual(given.shape))
                throw new ExtractorFormatException(source, $"tensor '{name}' has shape {Shape(given.shape)}; the architecture needs {Shape(target.shape)}.");
        }
        model.CopyState(tensors);
    }

    public static void LoadStrict(Cgcnn model, SafetensorsFile file, string source)
    {
        using var scope = NewDisposeScope();
        LoadStrict(model, file.Tensors.ToDictionary(t => t.Name, ToTensor), source);
    }

    /// <summary>The model's state in state_dict order, as safetensors entries (F32 weights, I64 counters).</summary>
    public static IReadOnlyList<SafetensorsTensor> ToSafetensors(Cgcnn model) =>
        model.state_dict().Select(kv => FromTensor(kv.Key, kv.Value)).ToList();

    public static Tensor ToTensor(SafetensorsTensor t) => t.DType switch
    {
        "F32" => tensor(MemoryMarshal.Cast<byte, float>(t.Data).ToArray(), t.Shape),
        "I64" => tensor(MemoryMarshal.Cast<byte, long>(t.Data).ToArray(), t.Shape),
        _ => throw new ExtractorFormatException(null, $"tensor '{t.Name}' has unsupported dtype '{t.DType}'."),
    };

    public static SafetensorsTensor FromTensor(string name, Tensor t)
    {
        using var scope = NewDisposeScope();   // holds the detached and CPU temporaries too (TensorLifetimes)
        var cpu = t.detach().cpu().contiguous();
        return cpu.dtype switch
        {
            ScalarType.Float32 => new SafetensorsTensor(name, "F32", cpu.shape, MemoryMarshal.AsBytes<float>(cpu.data<float>().ToArray()).ToArray()),
            ScalarType.Int64 => new SafetensorsTensor(name, "I64", cpu.shape, MemoryMarshal.AsBytes<long>(cpu.data<long>().ToArray()).ToArray()),
            _ => throw new NotSupportedException($"Tensor '{name}' has dtype {cpu.dtype}; only float32 and int64 are stored."),
        };
    }

    /// <summary>Reads the architecture off the tensor shapes of a CGCNN state_dict.</summary>
    public static CgcnnArchitecture InferArchitecture(IReadOnlyDictionary<string, long[]> shapes, string source)
    {
        long[] Need(string key) => shapes.TryGetValue(key, out var s) && s.Length == 2 ? s
            : throw new ExtractorFormatException(source, $"no 2-D tensor '{key}'; this is not a CGCNN state_dict.");
        var embedding = Need("embedding.weight");
        var conv0 = Need("convs.0.fc_full.weight");
        var convToFc = Need("conv_to_fc.weight");
        int convCount = CountIndexed(shapes.Keys, "convs", "fc_full.weight");
        int hidden = CountIndexed(shapes.Keys, "fcs", "weight");
        return new CgcnnArchitecture
        {
            AtomInputLength = (int)embedding[1],
            AtomFeatureLength = (int)embedding[0],
            EdgeFeatureLength = (int)(conv0[1] - 2 * embedding[0]),
            ConvCount = convCount,
            HiddenLength = (int)convToFc[0],
            HiddenLayers = hidden + 1,
        };
    }

    static int CountIndexed(IEnumerable<string> keys, string prefix, string suffix)
    {
        var re = new Regex($"^{Regex.Escape(prefix)}\\.(\\d+)\\.{Regex.Escape(suffix)}$");
        return keys.Select(k => re.Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1).DefaultIfEmpty(0).Max();
    }

    static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
