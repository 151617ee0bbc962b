
namespace MoePS.Engine.Models.Extractors;

/// <summary>The task an extractor was trained on.</summary>
public sealed record SourceTask(string Name, string Description, int? Rows, string? Unit, string? UnitNote = null)
{
    public override string ToString() => Description;
}

/// <summary>How well an extractor did on its source task (target units); null where unknown.</summary>
public sealed record ExtractorMetrics(double? ValidationMae, double? TrainMae = null, double? TestMae = null, int? BestEpoch = null,
    string? TestMaeSource = null);

/// <summary>Where an extractor came from: origin (file, URL or training run), the original file's SHA-256, when and how it was made.</summary>
public sealed record ExtractorProvenance(string Origin, string? OriginalFile = null, string? OriginalSha256 = null,
    string? Notes = null, IReadOnlyDictionary<string, string>? TrainingArgs = null);
