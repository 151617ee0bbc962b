using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;

namespace MoePS.Cmdlets;

/// <summary>Tab completion of the paper's extractor names and the frozen experts found in the data folders.</summary>
public sealed class ExtractorNameCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string Tooltip)> Candidates() =>
        PaperExtractors.All.Select(e => (e.Name, e.Description))
            .Concat(ExpertLibrary.FrozenExpertsAvailable().Select(n => (n, $"frozen expert in {ExpertLibrary.FrozenExpertFolder}/{n}")));
}
