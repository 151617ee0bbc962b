
namespace MoePS.Engine.Models.Extractors;

/// <summary>The task an extractor was trained on.</summary>
public sealed record SourceTask(string Name, string Description, int? Rows, string? Unit, string? UnitNote = null)
{
    public override string ToString() => Description;
}
