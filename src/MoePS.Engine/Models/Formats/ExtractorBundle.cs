using MoePS.Engine.Training;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models;

namespace MoePS.Engine.Models.Formats;

/// <summary>
/// MoePS's single-file extractor bundle (.moex): a zip holding weights.safetensors and an
/// extractor.json manifest (architecture, graph settings, element table, normaliser, source task,
/// metrics, provenance). Everything needed to use the extractor elsewhere; round trip is bit-exact.
/// </summary>
public static class ExtractorBundle
{
    public const string Extension = ModelFileExtensions.ExtractorBundle;
    public const string FormatName = "moeps-extractor";
    public const int FormatVersion = 1;
    const string WeightsEntry = "weights.safetensors";

    static readonly PackageManifest Package = new(FormatName, FormatVersion, "extractor.json", "extractor bundle", new JsonSerializerOptions
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    sealed class Manifest : IPackageManifest
    {
        public string Format { get; set; } = FormatName;
        public int Version { get; set; } = FormatVersion;
        public string Name { get; set; } = "";
        public CgcnnArchitecture Architecture { get; set; } = CgcnnArchitecture.Default;
        public GraphSettings Graph { get; set; } = GraphSettings.Default;
        public Normaliser Normaliser { get; set; } = Normaliser.Identity;
        public SourceTask? SourceTask { get; set; }
        public ExtractorMetrics? Metrics { get; set; }
        public ExtractorProvenance? Provenance { get; set; }
        public string WeightsSha256 { get; set; } = "";
        public JsonElement Elements { get; set; }
    }

    /// <summary>Writes the bundle atomically (temporary file beside the target, then rename).</summary>
    public static void Write(Extractor extractor, string path) => ZipPackage.WriteAtomic(path, zip => Fill(zip, extractor));

    /// <summary>The bundle as bytes (e.g. to embed it in another file).</summary>
    public static byte[] ToBytes(Extractor extractor) => ZipPackage.ToBytes(zip => Fill(zip, extractor));

    static void Fill(ZipArchive zip, Extractor extractor)
    {
        byte[] weights = Safetensors.Write(CgcnnWeights.ToSafetensors(extractor.Model),
            new Dictionary<string, string> { ["format"] = "pt", ["extractor"] = extractor.Name });
        var manifest = new Manifest
        {
            Name = extractor.Name,
            Architecture = extractor.Architecture,
            Graph = extractor.GraphSettings,
            Normaliser = extractor.Normaliser,
            SourceTask = extractor.SourceTask,
            Metrics = extractor.Metrics,
            Provenance = extractor.Provenance,
            WeightsSha256 = WeightHashes.Of(weights),
            Elements = ElementsJson(extractor.Elements),
        };
        ZipPackage.WriteEntry(zip, WeightsEntry, weights);
        Package.Write(zip, manifest);
    }

    public static Extractor Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Extractor bundle not found: {path}", path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads a bundle from a stream; <paramref name="path"/> names it in errors.</summary>
    public static Extractor Read(Stream stream, string path)
    {
        Runtime.TorchRuntime.EnsureLoaded();
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            byte[] weights = ZipPackage.ReadSafetensorsEntry(zip, WeightsEntry, path);
            var manifest = Package.Read<Manifest>(zip, path);
            if (!string.Equals(manifest.WeightsSha256, WeightHashes.Of(weights), StringComparison.OrdinalIgnoreCase))
                throw new ExtractorFormatException(path, $"{WeightsEntry} does not match the SHA-256 recorded in {Package.Entry} (corrupt bundle).");
            if (manifest.Normaliser.Defect() is { } defect)
                throw new ExtractorFormatException(path, $"the normaliser in {Package.Entry} cannot scale predictions: {defect}.");
            var elements = ElementFeatures.FromJson(manifest.Elements, $"{path}:{Package.Entry}#elements");
            var model = new Cgcnn(manifest.Architecture);
            CgcnnWeights.LoadStrict(model, Safetensors.Read(weights, $"{path}:{WeightsEntry}"), $"{path}:{WeightsEntry}");
            return new Extractor(manifest.Name, model, elements, manifest.Graph, manifest.Normaliser,
                manifest.SourceTask ?? new SourceTask(manifest.Name, manifest.Name, null, null),
                manifest.Metrics ?? new ExtractorMetrics(null), manifest.Provenance ?? new ExtractorProvenance(path));
        }
        catch (InvalidDataException e)
        {
            throw new ExtractorFormatException(path, $"not a MoePS extractor bundle ({Extension}) or the file is damaged ({e.Message}).", e);
        }
        catch (ArgumentException e) when (e is not UnsupportedElementException)
        {
            throw new ExtractorFormatException(path, e.Message, e);
        }
    }

    static JsonElement ElementsJson(ElementFeatures elements)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) elements.WriteJson(w);
        using var doc = JsonDocument.Parse(buffer.ToArray());
        return doc.RootElement.Clone();
    }
}
