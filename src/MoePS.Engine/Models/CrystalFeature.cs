namespace MoePS.Engine.Models;

/// <summary>An expert's feature vector (embedding) of one crystal.</summary>
public sealed record CrystalFeature(string Id, string Formula, string Extractor, float[] Feature);
