namespace MoePS.Engine.Models.Extractors;

/// <summary>Where an extractor came from: origin (file, URL or training run), the original file's SHA-256, when and how it was made.</summary>
public sealed record ExtractorProvenance(string Origin, string? OriginalFile = null, string? OriginalSha256 = null,
    string? Notes = null, IReadOnlyDictionary<string, string>? TrainingArgs = null);
