using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Cmdlets;

/// <summary>Tab completion of the paper's extractor names.</summary>
public sealed class ExtractorNameCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string Tooltip)> Candidates() =>
        PaperExtractors.All.Select(e => (e.Name, e.Description));
}
