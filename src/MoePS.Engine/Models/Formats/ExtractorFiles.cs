using MoePS.Engine.Training;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models;

namespace MoePS.Engine.Models.Formats;

/// <summary>Reads an extractor from any file MoePS understands: safetensors + sidecar, PyTorch checkpoint, or .moex bundle.</summary>
public static class ExtractorFiles
{
    public static bool IsCheckpoint(string path) => ModelFileExtensions.Among(path, ModelFileExtensions.Checkpoints) != null;

    /// <summary>Imports by extension; <paramref name="elements"/> overrides the element table for formats that do not carry one.</summary>
    public static Extractor Import(string path, ElementFeatures? elements = null)
    {
        TorchRuntime.EnsureLoaded();
        if (!File.Exists(path)) throw new FileNotFoundException($"Extractor file not found: {path}", path);
        if (ModelFileExtensions.Has(path, ModelFileExtensions.ExtractorBundle))
            return ExtractorBundle.Read(path);
        if (ModelFileExtensions.Has(path, ModelFileExtensions.Safetensors))
            return ExtractorSidecar.Load(path, elements ?? ElementTableNear(path));
        if (IsCheckpoint(path))
            return FromCheckpoint(path, elements);
        throw new ArgumentException($"'{path}' is not an extractor file MoePS reads: use {ModelFileExtensions.Safetensors} (with its .json sidecar), " +
            $"{string.Join(", ", ModelFileExtensions.Checkpoints)} or {ModelFileExtensions.ExtractorBundle}.");
    }

    /// <summary>
    /// A CGCNN checkpoint as an extractor. The architecture is read off the tensor shapes; when the
    /// file is one of the paper's (by SHA-256) the source task comes from the catalogue. Without
    /// <paramref name="elements"/>, the element table is looked up near the file.
    /// </summary>
    public static Extractor FromCheckpoint(string path, ElementFeatures? elements = null)
    {
        using var checkpoint = PyTorchCheckpoint.Read(path);
        var architecture = CgcnnWeights.InferArchitecture(checkpoint.Shapes(), path);
        var model = new Cgcnn(architecture);
        CgcnnWeights.LoadStrict(model, checkpoint.StateDict, path);
        var paper = PaperExtractors.BySha256(checkpoint.Sha256);
        string name = paper?.Name ?? StemOf(path);
        var task = paper != null
            ? new SourceTask(paper.Name, paper.Description, paper.Rows, paper.Unit, paper.UnitNote)
            : new SourceTask(checkpoint.Args.GetValueOrDefault("property_to_train") ?? name,
                checkpoint.Args.GetValueOrDefault("property_to_train") ?? name, null, null);
        var metrics = new ExtractorMetrics(checkpoint.BestMae, TestMae: paper?.TestMae, BestEpoch: checkpoint.Epoch,
            TestMaeSource: paper != null ? "paper, supplementary Table 5" : null);
        var provenance = new ExtractorProvenance(Path.GetFullPath(path), paper?.OriginalFile ?? Path.GetFileName(path), checkpoint.Sha256,
            paper != null ? $"{PaperExtractors.Repository} pre-trained extractor (PyTorch checkpoint)" : "PyTorch checkpoint",
            checkpoint.Args.Count > 0 ? checkpoint.Args : null);
        var normaliser = checkpoint.Normaliser ?? throw new ExtractorFormatException(path,
            "the checkpoint has no 'normalizer' {mean, std}; without it predictions cannot be put back in target units.");
        return new Extractor(name, model, elements ?? ElementTableNear(path), GraphSettings.Default, normaliser, task, metrics, provenance);
    }

    static string StemOf(string path)
    {
        string name = Path.GetFileName(path);
        string? extension = ModelFileExtensions.Among(name, ModelFileExtensions.Checkpoints);
        return extension != null ? name[..^extension.Length] : Path.GetFileNameWithoutExtension(name);
    }

    /// <summary>atom_init.json beside the weights or up to two folders above them (the data-folder layout), else the data folders.</summary>
    public static ElementFeatures ElementTableNear(string weightsPath)
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(weightsPath))!);
        for (int up = 0; up < 3 && dir != null; up++, dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, ElementFeatures.DefaultFileName);
            if (File.Exists(candidate)) return ElementFeatures.Load(candidate);
        }
        return ElementFeatures.LoadDefault();
    }
}
