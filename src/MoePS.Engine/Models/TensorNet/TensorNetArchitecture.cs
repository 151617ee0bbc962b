using System.Text.Json;
using MoePS.Engine.Models.Formats;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// The hyper-parameters of a MatGL TensorNet potential, read from its model.json (<c>kwargs.model.init_args</c>).
/// Only the variant of the pre-trained universal potentials is supported: smooth spherical-Bessel radial basis, swish,
/// O(3), extensive (per-atom energies summed) with a weighted gated readout; anything else is refused by name.
/// </summary>
public sealed record TensorNetArchitecture
{
    /// <summary>Element symbols in the order of the embedding's rows.</summary>
    public required IReadOnlyList<string> ElementTypes { get; init; }
    /// <summary>Channels of the node tensors and width of <c>node_feat</c>.</summary>
    public required int Units { get; init; }
    /// <summary>Interaction layers.</summary>
    public required int Blocks { get; init; }
    /// <summary>Radial basis functions (max_n of the smooth spherical-Bessel basis).</summary>
    public required int RadialFunctions { get; init; }
    /// <summary>Cutoff radius of the graph, the radial basis and the cosine envelope (Å).</summary>
    public required double Cutoff { get; init; }

    /// <summary>Reads <paramref name="path"/> (a MatGL Potential's model.json).</summary>
    public static TensorNetArchitecture Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"TensorNet model.json not found: {path}", path);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var model = Property(root, path, "kwargs", "model");
        if (Property(model, path, "@class").GetString() != "TensorNet")
            throw new ExtractorFormatException(path, $"the model is a {Property(model, path, "@class")}, not a TensorNet.");
        var args = Property(model, path, "init_args");
        Require(args, path, "rbf_type", "SphericalBessel");
        Require(args, path, "use_smooth", "True");
        Require(args, path, "activation_type", "swish");
        Require(args, path, "equivariance_invariance_group", "O(3)");
        Require(args, path, "is_intensive", "False");
        Require(args, path, "include_state", "False");
        Require(args, path, "readout_type", "weighted_atom");
        Require(args, path, "task_type", "regression");
        Require(args, path, "ntargets", "1");
        int blocks = Property(args, path, "nblocks").GetInt32();
        if (blocks < 1) throw new ExtractorFormatException(path, $"nblocks is {blocks}; a TensorNet potential has at least one interaction block.");
        return new TensorNetArchitecture
        {
            ElementTypes = Property(args, path, "element_types").EnumerateArray().Select(e => e.GetString() ?? "").ToList(),
            Units = Property(args, path, "units").GetInt32(),
            Blocks = blocks,
            RadialFunctions = Property(args, path, "max_n").GetInt32(),
            Cutoff = Property(args, path, "cutoff").GetDouble(),
        };
    }

    static JsonElement Property(JsonElement element, string path, params string[] names)
    {
        foreach (var name in names)
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                throw new ExtractorFormatException(path, $"model.json has no '{string.Join(".", names)}'.");
        return element;
    }

    static void Require(JsonElement args, string path, string name, string supported)
    {
        var value = Property(args, path, name);
        string text = value.ValueKind switch
        {
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            JsonValueKind.String => value.GetString() ?? "",
            _ => value.GetRawText(),
        };
        if (text != supported)
            throw new ExtractorFormatException(path, $"{name} is {text}; only TensorNet potentials with {name} = {supported} are supported.");
    }
}
