using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models.Library;

/// <summary>
/// Every expert a mixture can name: the paper's 18 CGCNN extractors (<see cref="ExtractorLibrary"/>) and the frozen
/// experts found in a data folder as experts/&lt;name&gt;/ with model.json and state.pt (MatGL TensorNet potentials, e.g.
/// experts/tensornet_matpes_pbe), searched in the order of <see cref="DataLocations.DataFolders"/>. Frozen experts are
/// not downloaded: a missing one is an error naming where to put it.
/// </summary>
public static class ExpertLibrary
{
    public const string FrozenExpertFolder = "experts";
    static readonly char[] PathSeparators = { '/', '\\' };

    /// <summary>Names of the frozen experts in the data folders, each once, sorted.</summary>
    public static IReadOnlyList<string> FrozenExpertsAvailable() =>
        DataLocations.DataFolders()
            .Select(f => Path.Combine(f, FrozenExpertFolder))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories)
            .Where(IsFrozenExpert)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();

    /// <summary>The folder of the frozen expert <paramref name="name"/>, or null when no data folder has it.</summary>
    public static string? FindFrozenExpert(string name) =>
        name.IndexOfAny(PathSeparators) >= 0 || name is "." or ".." ? null
        : DataLocations.DataFolders().Select(f => Path.Combine(f, FrozenExpertFolder, name)).FirstOrDefault(IsFrozenExpert);

    /// <summary>Whether <paramref name="name"/> names one of the paper's extractors or a frozen expert found locally.</summary>
    public static bool IsKnown(string name) => PaperExtractors.TryFind(name) != null || FindFrozenExpert(name) != null;

    /// <summary>The paper's extractor <paramref name="name"/> (see <see cref="ExtractorLibrary.Load"/>) or the frozen expert of that name.</summary>
    public static IExpert Load(string name, Action<string>? log = null, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancel = default)
    {
        if (PaperExtractors.TryFind(name) != null) return ExtractorLibrary.Load(name, log, progress, cancel);
        string folder = FindFrozenExpert(name) ?? throw new ArgumentException(
            $"'{name}' is neither one of the paper's extractors ({string.Join(", ", PaperExtractors.Names)}) nor a frozen expert in a data " +
            $"folder ({FrozenExpertFolder}/<name>/ with {TensorNetPotential.ModelFile} and {TensorNetPotential.StateFile} under " +
            $"{string.Join(" or ", DataLocations.DataFolders())}).");
        log?.Invoke($"Loading expert '{name}' from {folder}");
        return TensorNetExpert.Load(folder);
    }

    static bool IsFrozenExpert(string folder) =>
        File.Exists(Path.Combine(folder, TensorNetPotential.ModelFile)) && File.Exists(Path.Combine(folder, TensorNetPotential.StateFile));
}
