using System.Security.Cryptography;
using System.Text;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models;
using MoePS.Engine.Training;

namespace MoePS.Engine.Cluster;

/// <summary>
/// What a pre-training job does: train a CGCNN on a dataset file with a split and settings fixed at
/// submission, checkpointing to <see cref="TrainingOptions.CheckpointPath"/>, and write the trained
/// extractor to <see cref="ModelPath"/>. The node reads the dataset from its file again; the row
/// count and a hash of ids and targets make sure it reads the same rows the split was made for.
/// </summary>
public sealed record PretrainArraySpec(
    string DatasetPath, string DatasetName, string TargetName, string? Unit, int Rows, string RowsHash, DatasetSplit Split,
    TrainingOptions Options, CgcnnArchitecture Architecture, string? Name, string Device, string ModelPath) : SlurmJobSpec(Device)
{
    /// <summary>The spec for training <paramref name="dataset"/> (split, and read from a file).</summary>
    public static PretrainArraySpec For(CrystalDataset dataset, TrainingOptions options, CgcnnArchitecture architecture,
        string? name, string device, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var split = dataset.Split ?? throw new ArgumentException($"Dataset '{dataset.Name}' has no split.", nameof(dataset));
        if (string.IsNullOrEmpty(dataset.Source) || !(File.Exists(dataset.Source) || Directory.Exists(dataset.Source)))
            throw new ArgumentException(
                $"Dataset '{dataset.Name}' was not read from a file ({dataset.Source ?? "no source"}), so the cluster's nodes cannot read it. " +
                "Save it as a file on the shared file system and import it from there.", nameof(dataset));
        return new PretrainArraySpec(Path.GetFullPath(dataset.Source), dataset.Name, dataset.TargetName, dataset.Unit, dataset.Count,
            HashOf(dataset), split, options, architecture, name, device, Path.GetFullPath(modelPath));
    }

    /// <summary>The dataset as the submitting shell had it, read from its file, with the split.</summary>
    public CrystalDataset ReadDataset()
    {
        var read = DatasetFile.Read(DatasetPath, new DatasetReadOptions { Target = TargetName, Name = DatasetName, Unit = Unit });
        var dataset = read.Dataset;
        if (dataset.Count != Rows || HashOf(dataset) != RowsHash)
            throw new InvalidDataException(
                $"{DatasetPath} no longer holds the rows it held at submission ({dataset.Count} rows now, {Rows} then): the split does not fit it. Submit again.");
        return dataset.WithSplit(Split);
    }

    /// <summary>SHA-256 over the ids and targets, in row order.</summary>
    static string HashOf(CrystalDataset dataset)
    {
        var text = new StringBuilder();
        foreach (var e in dataset.Entries)
            text.Append(e.Crystal.Id).Append('\t').Append(e.Target.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static PretrainArraySpec Load(string path) => Load<PretrainArraySpec>(path, "pre-training");
}
