using MoePS.Engine.Models;

namespace MoePS.Cmdlets;

/// <summary>Tab completion of the paper's extractor names.</summary>
public sealed class ExtractorNameCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string Tooltip)> Candidates() =>
        PaperExtractors.All.Select(e => (e.Name, e.Description));
}
