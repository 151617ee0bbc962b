using MoePS.Engine.Training;
using System.IO.Compression;
using System.Security.Cryptography;
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
    public const string Extension = ".moex";
    public const string FormatName = "moeps-extractor";
    public const int FormatVersion = 1;
    const string ManifestEntry = "extractor.json";
    const string WeightsEntry = "weights.safetensors";

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    sealed class Manifest
    {
        public string Format { get; set; } = FormatName;
        public int Version { get; set; } = FormatVersion;
        public string Name { get; set; } = "";
        public CgcnnArchitecture Architecture { get; set; } = CgcnnArchitecture.Default;
        public GraphSettingsData Graph { get; set; } = new();
        public Normaliser Normaliser { get; set; } = Normaliser.Identity;
        public SourceTask? SourceTask { get; set; }
        public ExtractorMetrics? Metrics { get; set; }
        public ExtractorProvenance? Provenance { get; set; }
        public string WeightsSha256 { get; set; } = "";
        public JsonElement Elements { get; set; }
    }

    sealed class GraphSettingsData
    {
        public double Radius { get; set; }
        public int MaxNeighbours { get; set; }
        public double GaussianMin { get; set; }
        public double GaussianMax { get; set; }
        public double GaussianStep { get; set; }
        public double GaussianWidth { get; set; }
    }

    /// <summary>Writes the bundle atomically (temporary file beside the target, then rename).</summary>
    public static void Write(Extractor extractor, string path) => ZipPackage.WriteAtomic(path, zip => Fill(zip, extractor));

    /// <summary>The bundle as bytes (e.g. to embed it in another file).</summary>
    public static byte[] ToBytes(Extractor extractor) => ZipPackage.ToBytes(zip => Fill(zip, extractor));

    static void Fill(ZipArchive zip, Extractor extractor)
    {
        byte[] weights = Safetensors.Write(CgcnnWeights.ToSafetensors(extractor.Model),
            new Dictionary<string, string> { ["format"] = "pt", ["extractor"] = extractor.Name });
        var g = extractor.GraphSettings;
        var manifest = new Manifest
        {
            Name = extractor.Name,
            Architecture = extractor.Architecture,
            Graph = new GraphSettingsData
            {
                Radius = g.Radius, MaxNeighbours = g.MaxNeighbours, GaussianMin = g.GaussianMin,
                GaussianMax = g.GaussianMax, GaussianStep = g.GaussianStep, GaussianWidth = g.GaussianWidth,
            },
            Normaliser = extractor.Normaliser,
            SourceTask = extractor.SourceTask,
            Metrics = extractor.Metrics,
            Provenance = extractor.Provenance,
            WeightsSha256 = Sha256(weights),
            Elements = ElementsJson(extractor.Elements),
        };
        ZipPackage.WriteEntry(zip, WeightsEntry, weights);
        ZipPackage.WriteEntry(zip, ManifestEntry, JsonSerializer.SerializeToUtf8Bytes(manifest, Json));
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
            byte[] weights = ZipPackage.ReadEntry(zip, WeightsEntry, path);
            Manifest manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<Manifest>(ZipPackage.ReadEntry(zip, ManifestEntry, path), Json)
                    ?? throw new ExtractorFormatException(path, $"{ManifestEntry} is empty.");
            }
            catch (JsonException e)
            {
                throw new ExtractorFormatException(path, $"{ManifestEntry} is not a valid manifest ({e.Message}).", e);
            }
            if (manifest.Format != FormatName)
                throw new ExtractorFormatException(path, $"{ManifestEntry} has format '{manifest.Format}', expected '{FormatName}'.");
            if (manifest.Version > FormatVersion)
                throw new ExtractorFormatException(path, $"bundle format version {manifest.Version} is newer than this MoePS reads ({FormatVersion}); update MoePS.");
            if (!string.Equals(manifest.WeightsSha256, Sha256(weights), StringComparison.OrdinalIgnoreCase))
                throw new ExtractorFormatException(path, $"{WeightsEntry} does not match the SHA-256 recorded in {ManifestEntry} (corrupt bundle).");
            var g = manifest.Graph;
            var graph = new GraphSettings
            {
                Radius = g.Radius, MaxNeighbours = g.MaxNeighbours, GaussianMin = g.GaussianMin,
                GaussianMax = g.GaussianMax, GaussianStep = g.GaussianStep, GaussianWidth = g.GaussianWidth,
            };
            var elements = ElementFeatures.FromJson(manifest.Elements, $"{path}:{ManifestEntry}#elements");
            var model = new Cgcnn(manifest.Architecture);
            CgcnnWeights.LoadStrict(model, Safetensors.Read(weights, $"{path}:{WeightsEntry}"), $"{path}:{WeightsEntry}");
            return new Extractor(manifest.Name, model, elements, graph, manifest.Normaliser,
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

    static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
