using System.Management.Automation;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Experts;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Computes an extractor's feature vector (embedding) of each crystal.</para>
/// <para type="description">For the paper's CGCNN extractors the feature is Softplus of the mean atom features after the
/// extractor's last convolution — 64 numbers, the representation the mixture of experts combines. For the TensorNet
/// expert it is the mean over atoms of its node features after the last interaction block (node_feat, 128 numbers, as
/// MatGL computes it, nothing applied after it), read from the feature cache when the structure was featurised before;
/// new structures are computed each alone on one torch thread, as many side by side as the session has torch threads
/// (OMP_NUM_THREADS), so a feature is the same bits on any machine.
/// Streams from the pipeline, batching internally. A crystal with atoms that have no neighbour within a CGCNN
/// extractor's graph radius (8 Å) is refused with an error naming it, unless -Force.</para>
/// <example><code>Import-Crystal *.cif | Get-CrystalFeature -Extractor (Get-Extractor mp_eform)</code></example>
/// <example><code>Import-Crystal *.cif | Get-CrystalFeature -Extractor (Get-Extractor tensornet_matpes_pbe)</code></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "CrystalFeature", DefaultParameterSetName = "Crystal")]
[OutputType(typeof(CrystalFeature))]
public sealed class GetCrystalFeatureCommand : CrystalBatchCmdlet
{
    /// <summary><para type="description">The extractor whose features to compute.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public IExpert Extractor { get; set; } = null!;

    protected override void CheckCrystal(Crystal crystal) => Extractor.CheckSupports(crystal);

    protected override IEnumerable<GraphSettings> GraphSettingsUsed => Extractor.GraphSettings is { } settings ? new[] { settings } : Array.Empty<GraphSettings>();

    protected override string Action => "compute its features";

    protected override void ProcessBatch(IReadOnlyList<PredictionInput> batch)
    {
        foreach (var f in PropertyPredictor.Features(Extractor, batch.Select(b => b.Crystal).ToList(), ComputeDevice))
            WriteObject(f);
    }
}
