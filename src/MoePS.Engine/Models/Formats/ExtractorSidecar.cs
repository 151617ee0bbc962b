using MoePS.Engine.Training;
using System.Globalization;
using System.Text.Json;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models;

namespace MoePS.Engine.Models.Formats;

/// <summary>
/// Reads an extractor stored as &lt;name&gt;.safetensors + &lt;name&gt;.json sidecar (the layout of the
/// shared data folder): architecture and graph hyperparameters, normaliser, checkpoint metrics,
/// source task and original-file provenance. The element table comes from atom_init.json.
/// </summary>
public static class ExtractorSidecar
{
    /// <summary>The sidecar beside a .safetensors file.</summary>
    public static string SidecarPathOf(string safetensorsPath) => Path.ChangeExtension(safetensorsPath, ".json");

    public static Extractor Load(string safetensorsPath, ElementFeatures elements)
    {
        string sidecar = SidecarPathOf(safetensorsPath);
        if (!File.Exists(safetensorsPath)) throw new FileNotFoundException($"Weight file not found: {safetensorsPath}", safetensorsPath);
        if (!File.Exists(sidecar))
            throw new FileNotFoundException($"The sidecar '{sidecar}' that describes '{Path.GetFileName(safetensorsPath)}' (architecture, graph settings, normaliser, source task) is missing; put it beside the weights.", sidecar);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(sidecar));
        }
        catch (JsonException e)
        {
            throw new ExtractorFormatException(sidecar, $"not valid JSON ({e.Message}).", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            var weights = Safetensors.Read(ReadWeights(safetensorsPath, root, sidecar), safetensorsPath);
            string name = Str(root, "extractor_name", sidecar) ?? Path.GetFileNameWithoutExtension(safetensorsPath);
            var architecture = Architecture(Obj(root, "architecture_hyperparameters", sidecar), sidecar);
            var graph = Graph(Obj(root, "graph_hyperparameters", sidecar), sidecar);
            var norm = Obj(root, "normalizer", sidecar);
            var normaliser = new Normaliser(Num(norm, "mean", sidecar), Num(norm, "std", sidecar));
            var task = Obj(root, "source_task", sidecar);
            var sourceTask = new SourceTask(name, Str(task, "description", sidecar) ?? name, (int?)OptNum(task, "n_structures"),
                Str(task, "unit", sidecar), Str(task, "unit_note", sidecar));
            var metrics = new ExtractorMetrics(OptNum(root, "checkpoint_best_mae_error"), TestMae: OptNum(task, "test_mae_paper_table5"),
                BestEpoch: (int?)OptNum(root, "checkpoint_epoch"), TestMaeSource: "paper, supplementary Table 5");
            var provenance = new ExtractorProvenance(Path.GetFullPath(safetensorsPath), Str(root, "original_file", sidecar),
                Str(root, "original_file_sha256", sidecar), "rees-c/MoE pre-trained extractor, converted to safetensors",
                root.TryGetProperty("training_args", out var args) && args.ValueKind == JsonValueKind.Object
                    ? args.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())
                    : null);

            var model = new Cgcnn(architecture);
            CgcnnWeights.LoadStrict(model, weights, safetensorsPath);
            return new Extractor(name, model, elements, graph, normaliser, sourceTask, metrics, provenance);
        }
    }

    /// <summary>The weight file's bytes, checked against the sidecar's safetensors_sha256 when it records one.</summary>
    static byte[] ReadWeights(string safetensorsPath, JsonElement root, string sidecar) =>
        Str(root, "safetensors_sha256", sidecar) is { } expected
            ? WeightHashes.ReadVerified(safetensorsPath, expected, $"its sidecar {Path.GetFileName(sidecar)}")
            : File.ReadAllBytes(safetensorsPath);

    static CgcnnArchitecture Architecture(JsonElement a, string source) => new()
    {
        AtomInputLength = (int)Num(a, "orig_atom_fea_len", source),
        EdgeFeatureLength = (int)Num(a, "nbr_fea_len", source),
        AtomFeatureLength = (int)Num(a, "atom_fea_len", source),
        ConvCount = (int)Num(a, "n_conv", source),
        HiddenLength = (int)Num(a, "h_fea_len", source),
        HiddenLayers = (int)Num(a, "n_h", source),
    };

    static GraphSettings Graph(JsonElement g, string source)
    {
        var settings = new GraphSettings
        {
            Radius = Num(g, "radius", source),
            MaxNeighbours = (int)Num(g, "max_num_nbr", source),
            GaussianMin = Num(g, "gaussian_dmin", source),
            GaussianMax = Num(g, "gaussian_dmax", source),
            GaussianStep = Num(g, "gaussian_step", source),
            GaussianWidth = OptNum(g, "gaussian_var") ?? Num(g, "gaussian_step", source),
        };
        if (OptNum(g, "n_gaussians") is double n && (int)n != settings.EdgeFeatureLength)
            throw new ExtractorFormatException(source, $"graph_hyperparameters say {n} Gaussians but dmin/dmax/step give {settings.EdgeFeatureLength}.");
        return settings;
    }

    internal static JsonElement Obj(JsonElement e, string key, string source) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Object ? v
            : throw new ExtractorFormatException(source, $"'{key}' is missing or not an object.");

    internal static double Num(JsonElement e, string key, string source) =>
        OptNum(e, key) ?? throw new ExtractorFormatException(source, $"'{key}' is missing or not a number.");

    internal static double? OptNum(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    internal static string? Str(JsonElement e, string key, string source) =>
        !e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw new ExtractorFormatException(source, $"'{key}' must be a string, not {v.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture)}.");
}
