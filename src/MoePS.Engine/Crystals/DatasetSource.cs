namespace MoePS.Engine.Crystals;

/// <summary>One downloadable dataset file: where it comes from and the SHA-256 it must have.</summary>
public sealed record DatasetSource(string Name, string Url, string Sha256, string? Unit, bool HasStructures)
{
    public string FileName => Name + ".json.gz";
}
