using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using MoePS.Engine.Training;
using static TorchSharp.torch;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.Experts;

namespace MoePS.Engine.Models.Formats;

/// <summary>
/// A mixture in one file (.moem, a zip): mixture.json (options, normaliser, what it was trained on,
/// training history, each extractor's name, kind and weights hash, and a hash binding that list to its order),
/// network.safetensors (fine-tuned layers, adapters, gate, heads) and, unless excluded, every CGCNN extractor as an
/// embedded .moex bundle. Frozen experts (TensorNet) are always saved by name, kind and <see cref="IExpert.CacheKey"/>
/// (which names their weights' SHA-256) and found again in a data folder. Loading gives bit-identical predictions.
/// </summary>
public static class MixtureFile
{
    public const string Extension = ModelFileExtensions.Mixture;
    const string NetworkEntry = "network.safetensors";

    static readonly PackageManifest Package = new("moeps-mixture", 1, "mixture.json", "mixture", new JsonSerializerOptions
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    });

    static readonly char[] PathSeparators = { '/', '\\' };

    sealed class Manifest : IPackageManifest
    {
        public string Format { get; set; } = Package.FormatName;
        public int Version { get; set; } = Package.FormatVersion;
        public MixtureOptions Options { get; set; } = new();
        // The fields of MixtureFit, flat as the format has them.
        public Normaliser Normaliser { get; set; } = Normaliser.Identity;
        public string PropertyName { get; set; } = "";
        public string? Unit { get; set; }
        public string? DatasetName { get; set; }
        public bool IsTrained { get; set; }
        public TrainingResult? Training { get; set; }
        public List<ExtractorRecord> Extractors { get; set; } = new();
        /// <summary>
        /// <see cref="OrderHash"/> of <see cref="Extractors"/> as saved: the network's per-extractor weights belong to
        /// slots, so entries swapped in the list would load and predict wrongly. Null in files written before it.
        /// </summary>
        public string? ExtractorOrderSha256 { get; set; }

        [JsonIgnore]
        public MixtureFit Fit
        {
            get => new(Normaliser, PropertyName, Unit, DatasetName, IsTrained, Training);
            init => (Normaliser, PropertyName, Unit, DatasetName, IsTrained, Training) = value;
        }
    }

    sealed class ExtractorRecord
    {
        public string Name { get; set; } = "";
        /// <summary>A frozen expert's kind (TensorNet); null for a CGCNN extractor, as in files written before other kinds.</summary>
        public string? Kind { get; set; }
        /// <summary>A frozen expert's <see cref="IExpert.CacheKey"/>, checked instead of <see cref="WeightsSha256"/> (empty for it).</summary>
        public string? CacheKey { get; set; }
        public string WeightsSha256 { get; set; } = "";
        /// <summary>Zip entry of the embedded bundle, or null when saved without extractors.</summary>
        public string? Bundle { get; set; }
    }

    /// <summary>SHA-256 of an extractor's weights (safetensors of its state_dict, no metadata): how an excluded extractor is recognised.</summary>
    public static string WeightsHash(Extractor extractor) =>
        WeightHashes.Of(Safetensors.Write(CgcnnWeights.ToSafetensors(extractor.Model)));

    /// <summary>What identifies an expert's weights in a record: a CGCNN extractor's <see cref="WeightsHash(Extractor)"/>, a frozen expert's cache key.</summary>
    static string Identity(ExtractorRecord record) => record.CacheKey ?? record.WeightsSha256;

    static ExtractorRecord RecordOf(IExpert expert) => expert is Extractor e
        ? new ExtractorRecord { Name = e.Name, WeightsSha256 = WeightsHash(e) }
        : new ExtractorRecord { Name = expert.Name, Kind = expert.Kind, CacheKey = expert.CacheKey };

    /// <summary>Writes atomically (temporary file beside the target, then rename).</summary>
    public static void Write(MixtureModel model, string path, bool includeExtractors = true)
    {
        var manifest = new Manifest { Options = model.Options with { TopK = model.TopK }, Fit = model.Fit };
        byte[] network = Safetensors.Write(model.Network.state_dict().Select(kv => CgcnnWeights.FromTensor(kv.Key, kv.Value)));
        ZipPackage.WriteAtomic(path, zip =>
        {
            for (int i = 0; i < model.Extractors.Count; i++)
            {
                var e = model.Extractors[i];
                var record = RecordOf(e);
                if (includeExtractors && e is Extractor extractor)
                {
                    record.Bundle = $"extractors/{i:D2}-{e.Name}{ExtractorBundle.Extension}";
                    ZipPackage.WriteEntry(zip, record.Bundle, ExtractorBundle.ToBytes(extractor), CompressionLevel.NoCompression);
                }
                else if (!IsPlainFileName(e.Name))
                {
                    throw new ArgumentException($"Extractor '{e.Name}' can be saved only inside the mixture: a mixture saved without its extractors finds them by file name, and this name has a folder part.");
                }
                manifest.Extractors.Add(record);
            }
            manifest.ExtractorOrderSha256 = OrderHash(manifest.Extractors);
            ZipPackage.WriteEntry(zip, NetworkEntry, network);
            Package.Write(zip, manifest);
        });
    }

    /// <param name="path">The .moem file.</param>
    /// <param name="resolveExtractor">
    /// Finds an expert that was saved by reference, by name and kind (null for CGCNN), e.g. from the paper's library or a
    /// data folder; its weights hash is checked.
    /// </param>
    public static MixtureModel Read(string path, Func<string, string?, IExpert> resolveExtractor)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Mixture file not found: {path}", path);
        Runtime.TorchRuntime.EnsureLoaded();
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var manifest = Package.Read<Manifest>(zip, path);
            CheckManifest(manifest, path);
            var extractors = manifest.Extractors.Select(r => LoadExtractor(zip, r, path, resolveExtractor)).ToList();
            var model = Build(extractors, manifest, path);
            LoadNetwork(model, Safetensors.Read(ZipPackage.ReadSafetensorsEntry(zip, NetworkEntry, path), $"{path}:{NetworkEntry}"), path);
            return model;
        }
        catch (InvalidDataException e)
        {
            throw new ExtractorFormatException(path, $"not a MoePS mixture file ({Extension}) or the file is damaged ({e.Message}).", e);
        }
    }

    /// <summary>
    /// What must hold before any extractor is looked up: a usable normaliser, names saved by reference that stay in the
    /// extractor folder, and each extractor entry in the place it was saved in.
    /// </summary>
    static void CheckManifest(Manifest manifest, string path)
    {
        if (manifest.Normaliser.Defect() is { } defect)
            throw new ExtractorFormatException(path, $"the normaliser in {Package.Entry} cannot scale predictions: {defect}.");
        if (manifest.Extractors.FirstOrDefault(r => r.Bundle == null && !IsPlainFileName(r.Name)) is { } outside)
            throw new ExtractorFormatException(path,
                $"extractor name '{outside.Name}' in {Package.Entry} is not a plain file name (no folders, no '..'); it was refused, as it would be looked up outside the extractor folder.");
        if (manifest.ExtractorOrderSha256 != null
            && !string.Equals(manifest.ExtractorOrderSha256, OrderHash(manifest.Extractors), StringComparison.OrdinalIgnoreCase))
            throw new ExtractorFormatException(path,
                $"the extractors in {Package.Entry} ({string.Join(", ", manifest.Extractors.Select(r => r.Name))}) are not the list, in the order, " +
                "the mixture was saved with (ExtractorOrderSha256 differs); the network's weights for each extractor belong to its place in that list.");
        for (int i = 0; i < manifest.Extractors.Count; i++)
            if (manifest.Extractors[i].Bundle is { } bundle && !bundle.StartsWith($"extractors/{i:D2}-", StringComparison.Ordinal))
                throw new ExtractorFormatException(path,
                    $"extractor '{manifest.Extractors[i].Name}' is entry {i + 1} in {Package.Entry} but was saved as entry {bundle}; the network's weights for each extractor belong to its place in the list.");
    }

    /// <summary>SHA-256 over the ordered (name, <see cref="Identity"/>) list of the extractor entries.</summary>
    static string OrderHash(IEnumerable<ExtractorRecord> records) =>
        WeightHashes.Of(System.Text.Encoding.UTF8.GetBytes(string.Concat(records.Select(r => $"{r.Name}\t{Identity(r).ToLowerInvariant()}\n"))));

    /// <summary>The mixture the manifest describes; options it cannot have (e.g. TopK above the extractor count) are errors naming the file.</summary>
    static MixtureModel Build(IReadOnlyList<IExpert> extractors, Manifest manifest, string path)
    {
        try
        {
            return new MixtureModel(extractors, manifest.Options) { Fit = manifest.Fit };
        }
        catch (ArgumentException e)
        {
            string reason = e.ParamName == null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new ExtractorFormatException(path, $"{Package.Entry} describes a mixture MoePS cannot build: {reason}", e);
        }
    }

    static IExpert LoadExtractor(ZipArchive zip, ExtractorRecord record, string path, Func<string, string?, IExpert> resolve)
    {
        IExpert extractor;
        if (record.Bundle != null)
        {
            using var bundle = new MemoryStream(ZipPackage.ReadEntry(zip, record.Bundle, path, ZipPackage.MaxEmbeddedBundleBytes));
            extractor = ExtractorBundle.Read(bundle, $"{path}:{record.Bundle}");
        }
        else
            extractor = resolve(record.Name, record.Kind);
        if ((extractor is Extractor ? null : extractor.Kind) != record.Kind)
            throw new ExtractorFormatException(path,
                $"expert '{record.Name}' was saved as a {record.Kind ?? "CGCNN"} expert but '{record.Name}' found now is a {extractor.Kind}.");
        string hash = Identity(RecordOf(extractor)), expected = Identity(record);
        if (!string.Equals(hash, expected, StringComparison.OrdinalIgnoreCase))
            throw new ExtractorFormatException(path,
                $"extractor '{record.Name}' does not have the weights this mixture was trained with ({(record.CacheKey == null ? "SHA-256" : "cache key")} " +
                $"{hash[..Math.Min(hash.Length, record.CacheKey == null ? 12 : 40)]}…, expected {expected[..Math.Min(expected.Length, record.CacheKey == null ? 12 : 40)]}…).");
        return extractor;
    }

    /// <summary>Whether an extractor saved by reference can be looked up by this name in a folder: a file name without any folder part.</summary>
    static bool IsPlainFileName(string name) =>
        name.Trim().Length > 0 && name is not ("." or "..") && name.IndexOfAny(PathSeparators) < 0
        && name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0;

    static void LoadNetwork(MixtureModel model, SafetensorsFile file, string path)
    {
        var given = file.Tensors.ToDictionary(t => t.Name);
        var expected = model.Network.state_dict();
        var extra = given.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (extra.Count > 0)
            throw new ExtractorFormatException(path, $"{NetworkEntry} has tensors this mixture does not have: {string.Join(", ", extra.Take(8))}{(extra.Count > 8 ? $" (and {extra.Count - 8} more)" : "")}.");
        using var noGrad = no_grad();
        foreach (var (name, target) in expected)
        {
            if (!given.TryGetValue(name, out var t))
                throw new ExtractorFormatException(path, $"{NetworkEntry} has no tensor '{name}'.");
            using var value = CgcnnWeights.ToTensor(t);
            if (!value.shape.SequenceEqual(target.shape))
                throw new ExtractorFormatException(path, $"tensor '{name}' has shape [{string.Join(",", value.shape)}]; the mixture needs [{string.Join(",", target.shape)}].");
            target.copy_(value);
        }
    }
}
