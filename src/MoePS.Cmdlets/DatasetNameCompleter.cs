using MoePS.Engine.Crystals;

namespace MoePS.Cmdlets;

/// <summary>Completes dataset names: the paper's task keys found under $MOEPS_DATA_PATH, then the Matbench sets.</summary>
public sealed class DatasetNameCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string Tooltip)> Candidates() =>
        NamedDatasets.KnownNames().Select(n => (n, n));
}
