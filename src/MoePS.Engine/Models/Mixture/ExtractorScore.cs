namespace MoePS.Engine.Models.Mixture;

/// <summary>One extractor's gate score in a mixture.</summary>
public sealed record ExtractorScore(string Model, string Extractor, string SourceTask, double Score, int Rank, bool Active);
