using System.Management.Automation;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Trains a mixture of experts (or TL model) on a split dataset.</para>
/// <para type="description">The paper's recipe: Adam, head and gate at -LearningRate (0.01), each extractor's
/// fine-tuned layer(s) at the mixture's fine-tune rate (0.005), every other extractor layer frozen in eval mode, batch
/// 250, cosine annealing, up to 1000 epochs, early stop after 500 without a better validation MAE, best-validation
/// weights restored. The frozen part of every extractor is computed once; each step runs only the active extractors.
/// The input model is not changed: a trained copy is returned, so one model can be trained with several seeds.
/// -CheckpointPath may be a folder: the checkpoint is then &lt;dataset&gt;-&lt;method&gt;-seed&lt;Seed&gt;.ckpt in it
/// (e.g. jarvis_2d_gap_tbmbj-MoE-seed0.ckpt).</para>
/// </summary>
/// <example>
/// <code>$ds = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj | Split-CrystalDataset -Seed 0
/// Get-Extractor | New-MixtureModel -TopK 4 | Start-MixtureTraining -Dataset $ds -Epochs 100</code>
/// <para>Trains a top-4 mixture of the paper's extractors for 100 epochs.</para>
/// </example>
/// <example>
/// <code>$m = Get-Extractor | New-MixtureModel
/// $models = 0..4 | ForEach-Object { Start-MixtureTraining -Model $m -Dataset $ds -Seed $_ }</code>
/// <para>Five seeds of MoE-18, e.g. for Invoke-PropertyPrediction -Model $models (mean and spread).</para>
/// </example>
[Cmdlet(VerbsLifecycle.Start, "MixtureTraining")]
[OutputType(typeof(MixtureModel))]
public sealed class StartMixtureTrainingCommand : TrainingCmdlet
{
    /// <summary><para type="description">The mixture to train (from New-MixtureModel).</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    public MixtureModel Model { get; set; } = null!;

    /// <summary><para type="description">The dataset, with its train/validation/test split (Split-CrystalDataset).</para></summary>
    [Parameter(Mandatory = true)]
    public CrystalDataset Dataset { get; set; } = null!;

    /// <summary>A -CheckpointPath folder gets &lt;dataset&gt;-&lt;method&gt;-seed&lt;Seed&gt;.ckpt.</summary>
    protected override string CheckpointName => $"{Dataset.Name}-{Model.Method}-seed{Seed}";

    protected override void ProcessRecord()
    {
        if (Dataset.Split == null)
            Fail(new ArgumentException($"Dataset '{Dataset.Name}' has no train/validation/test split; pipe it through Split-CrystalDataset first."),
                Dataset, "DatasetNotSplit");
        if (Model.GraphSettings is { } graphs && IsolatedAtomsError(Dataset, graphs) is { } isolated) ThrowTerminatingError(isolated);
        var options = BuildOptions();
        var device = ResolveDevice(Device);
        try
        {
            var trained = RunTraining($"Training {Model.Name} on {Dataset.Name}",
                (progress, token) => MixtureTraining.Train(Model, Dataset, options, device, new GraphCache(), progress, token));
            WriteVerbose($"{trained.Name}: {trained.Training}");
            WriteObject(trained);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            Fail(e, Model, "MixtureTrainingFailed");
        }
    }
}
