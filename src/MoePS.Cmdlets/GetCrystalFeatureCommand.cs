using System.Management.Automation;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Computes an extractor's feature vector (embedding) of each crystal.</para>
/// <para type="description">The feature is Softplus of the mean atom features after the extractor's last convolution —
/// 64 numbers for the paper's extractors, the representation the mixture of experts combines. Streams from the
/// pipeline, batching internally. A crystal with atoms that have no neighbour within the graph radius (8 Å) is refused
/// with an error naming it, unless -Force.</para>
/// <example><code>Import-Crystal *.cif | Get-CrystalFeature -Extractor (Get-Extractor mp_eform)</code></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "CrystalFeature", DefaultParameterSetName = "Crystal")]
[OutputType(typeof(CrystalFeature))]
public sealed class GetCrystalFeatureCommand : CrystalBatchCmdlet
{
    /// <summary><para type="description">The extractor whose features to compute.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public Extractor Extractor { get; set; } = null!;

    protected override void CheckCrystal(Crystal crystal) => Extractor.CheckSupports(crystal);

    protected override IEnumerable<GraphSettings> GraphSettingsUsed => new[] { Extractor.GraphSettings };

    protected override string Action => "compute its features";

    protected override void ProcessBatch(IReadOnlyList<PredictionInput> batch)
    {
        foreach (var f in PropertyPredictor.Features(Extractor, batch.Select(b => b.Crystal).ToList(), ComputeDevice))
            WriteObject(f);
    }
}
