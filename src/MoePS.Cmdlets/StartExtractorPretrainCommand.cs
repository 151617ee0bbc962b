using System.Management.Automation;
using MoePS.Cmdlets.Cluster;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Training;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Trains a new CGCNN extractor from scratch on a split crystal dataset (single-task learning or pre-training).</para>
/// <para type="description">Trains the paper's CGCNN on the dataset's training rows with the paper's recipe: Adam at
/// 1e-2, MSE on labels normalised by the train+validation mean and standard deviation, batches of 250 (or the whole
/// training set when smaller), cosine annealing over the epoch budget, up to 1000 epochs, early stop after 500 epochs
/// without a better validation MAE, and the best-validation weights restored at the end. Graphs are built once (and
/// cached on disk) and kept on the device as tensors for every epoch.</para>
/// <para type="description">Returns the trained Extractor, usable like the paper's (Invoke-PropertyPrediction,
/// Get-CrystalFeature, Export-Extractor, New-MixtureModel). Its Metrics hold the train, validation and test MAE and the
/// best epoch; its Training property holds the whole run: History (one row per epoch: loss, train and validation MAE,
/// learning rate, seconds), Device, StoppedEarly, Cancelled and Elapsed.</para>
/// <para type="description">With -Scheduler Slurm the training runs as a Slurm job and the cmdlet returns a job at once
/// (Receive-Job gives the Extractor when it has finished). The job is requeue-able and gets SIGUSR1 two minutes before
/// its time limit: it then stops, keeps the checkpoint of its last finished epoch (saved every epoch unless
/// -CheckpointEvery says otherwise) and requeues itself, and the requeued job resumes from the checkpoint, so a long
/// pre-training runs through any number of time limits and preemptions and ends with the same model as an uninterrupted
/// run with the same seed. -CheckpointPath is then required (a file, or a folder for NAME.ckpt, NAME being -Name or
/// &lt;dataset&gt;-stl-seed&lt;Seed&gt;); the extractor is written beside it as NAME.moex. The dataset must come from a
/// file the nodes can read.</para>
/// <para type="description">Progress shows epoch, loss, validation MAE, best so far and time left; -Verbose writes one
/// line per epoch. Ctrl+C ends training at the next batch and returns the best model so far. With -CheckpointPath (a
/// file, or a folder for NAME.ckpt) the run is saved atomically every -CheckpointEvery epochs; -Resume continues from
/// that file after a crash and gives the same result as an uninterrupted run with the same seed. The same seed on the
/// same device gives identical results on the CPU.</para>
/// <example><code>$ds = Import-CrystalDataset -Name jarvis_2d_gap_tbmbj | Split-CrystalDataset -SplitFile $env:MOEPS_DATA_PATH/splits/seed0.json
/// $e = $ds | Start-ExtractorPretrain -Epochs 300 -Patience 100 -Verbose
/// $e.Metrics
/// $e.Training.History | Export-Csv history.csv</code></example>
/// <example><code>Import-CrystalDataset -Name expt_eform | Split-CrystalDataset -Seed 1 | Start-ExtractorPretrain -Name my_eform -CheckpointPath ./eform.ckpt -Resume | Export-Extractor ./my_eform.moex</code></example>
/// </summary>
/// <example><code>$job = $ds | Start-ExtractorPretrain -Name big_eform -Epochs 1000 -Scheduler Slurm -Partition gpu -GpusPerTask 1 -TimeLimit 04:00:00 -CheckpointPath /shared/ckpt/
/// $job | Wait-Job | Receive-Job | Export-Extractor big_eform.moex</code></example>
[Cmdlet(VerbsLifecycle.Start, "ExtractorPretrain")]
[OutputType(typeof(Extractor), typeof(SlurmJob))]
public sealed partial class StartExtractorPretrainCommand : TrainingCmdlet
{
    /// <summary><para type="description">The dataset to train on; it must have a split (Split-CrystalDataset).</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public CrystalDataset Dataset { get; set; } = null!;

    /// <summary><para type="description">Name of the new extractor. Default: &lt;dataset&gt;-stl-seed&lt;Seed&gt;.</para></summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>The extractor's name: a -CheckpointPath folder gets NAME.ckpt.</summary>
    protected override string CheckpointName => Name ?? $"{Dataset.Name}-stl-seed{Seed}";

    /// <summary><para type="description">Atom feature size inside the convolutions, also the extractor's feature length (default 64).</para></summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int AtomFeatureLength { get; set; } = CgcnnArchitecture.Default.AtomFeatureLength;

    /// <summary><para type="description">Number of graph convolutions (default 4).</para></summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ConvCount { get; set; } = CgcnnArchitecture.Default.ConvCount;

    /// <summary><para type="description">Hidden size of the head after pooling (default 32).</para></summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int HiddenLength { get; set; } = CgcnnArchitecture.Default.HiddenLength;

    /// <summary><para type="description">Number of hidden layers in the head (default 1).</para></summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int HiddenLayers { get; set; } = CgcnnArchitecture.Default.HiddenLayers;

    protected override void ProcessRecord()
    {
        var architecture = CgcnnArchitecture.Default with
        {
            AtomFeatureLength = AtomFeatureLength, ConvCount = ConvCount, HiddenLength = HiddenLength, HiddenLayers = HiddenLayers,
        };
        try
        {
            ExtractorPretraining.RequireSplit(Dataset);
        }
        catch (ArgumentException e)
        {
            WriteItemError(e, Dataset, "DatasetNotSplit");
            return;
        }
        if (IsolatedAtomsError(Dataset, GraphSettings.Default) is { } isolated)
        {
            WriteError(isolated);
            return;
        }
        if (Scheduler == JobScheduler.Slurm)
        {
            SubmitToSlurm(architecture);
            return;
        }
        var options = BuildOptions();
        var device = ResolveDevice(Device);

        WriteVerbose($"Training a CGCNN on {Dataset.Name} ({Dataset.Split}) on {device.Name}");
        try
        {
            var extractor = RunTraining($"Training CGCNN on {Dataset.Name} ({device.Name})",
                (progress, token) => ExtractorPretraining.Train(Dataset, options, architecture, device, Name, progress, cancellation: token));
            var run = extractor.Training!;
            WriteVerbose($"{extractor.Name}: {run}{(run.Cancelled ? "; returning the best model so far" : "")}");
            WriteObject(extractor);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C before the first epoch (while building graphs): nothing to return.
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteItemError(e, Dataset, "ExtractorTrainingFailed");
        }
    }
}
