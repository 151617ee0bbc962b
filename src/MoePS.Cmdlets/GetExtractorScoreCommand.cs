using System.Management.Automation;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Shows how much a mixture relies on each extractor (its gate scores).</para>
/// <para type="description">One row per extractor: Extractor, SourceTask, Score, Rank and Active (in the top k). The
/// scores of a model sum to 1 with exactly k non-zero — the paper's interpretability result (its Fig. 4).</para>
/// </summary>
/// <example>
/// <code>Get-ExtractorScore -Model $m | Sort-Object Rank | Select-Object -First 4</code>
/// <para>The four extractors the trained mixture uses most.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "ExtractorScore")]
[OutputType(typeof(ExtractorScore))]
public sealed class GetExtractorScoreCommand : MoeCmdlet
{
    /// <summary><para type="description">One or more mixtures.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    public MixtureModel[] Model { get; set; } = Array.Empty<MixtureModel>();

    protected override void ProcessRecord()
    {
        foreach (var m in Model)
            foreach (var score in m.ExtractorScores()) WriteObject(score);
    }
}
