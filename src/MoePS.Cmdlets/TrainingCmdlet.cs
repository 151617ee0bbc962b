using System.Management.Automation;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;
using MoePS.Engine.Settings;
using MoePS.Engine.Training;

namespace MoePS.Cmdlets;

/// <summary>
/// Base of the cmdlets that train (Start-ExtractorPretrain, Start-MixtureTraining): the paper's
/// recipe as parameters, the device, checkpoints, and a progress bar with Ctrl+C support.
/// </summary>
public abstract class TrainingCmdlet : MoeCmdlet, IDisposable
{
    /// <summary>The paper's recipe: the defaults of the parameters below that <see cref="RunSettings"/> does not declare.</summary>
    static readonly TrainingOptions Paper = new();

    TrainingCmdletRunner? runner;

    /// <summary><para type="description">Paper (the default: the paper's protocol, for reproducing it) or Fast (200
    /// epochs with the cosine over 200, early stop after 50 epochs without improvement; within the seed-to-seed spread
    /// of Paper on the paper's two smallest tasks, but it can stop a mixture short on larger ones, see README). Sets
    /// -Epochs and -Patience unless they are given.</para></summary>
    [Parameter]
    public TrainingPreset Preset { get; set; } = TrainingPreset.Paper;

    /// <summary><para type="description">Epoch budget (also the cosine schedule's length). Default: the paper's (that of -Preset).</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Epochs { get; set; } = RunSettings.Epochs.Default;

    /// <summary><para type="description">Stop after this many epochs without a better validation MAE. Default: the paper's (that of -Preset).</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Patience { get; set; } = RunSettings.Patience.Default;

    /// <summary><para type="description">Mini-batch size (the whole training set when smaller). Default: the paper's.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int BatchSize { get; set; } = RunSettings.BatchSize.Default;

    /// <summary><para type="description">Base learning rate. Default: the paper's.</para></summary>
    [Parameter]
    public double LearningRate { get; set; } = RunSettings.LearningRate.Default;

    /// <summary><para type="description">The floor η_min the cosine schedule anneals every learning rate to. Default:
    /// the paper's (0). The paper's code trained STL with -Optimizer SGD -LearningRate 0.02 -MinimumLearningRate
    /// 1e-5.</para></summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MinimumLearningRate { get; set; } = Paper.MinimumLearningRate;

    /// <summary><para type="description">Adam (the paper's) or SGD with momentum 0.9.</para></summary>
    [Parameter]
    public OptimizerKind Optimizer { get; set; } = Paper.Optimizer;

    /// <summary><para type="description">Random seed: same seed and device give the same result.</para></summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary><para type="description">Draw training rows with probability proportional to 1/count of their label bin
    /// (the paper's sampler for skewed labels).</para></summary>
    [Parameter]
    public SwitchParameter WeightedSampling { get; set; }

    /// <summary><para type="description">Number of equal-width label bins of -WeightedSampling.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Bins { get; set; } = Paper.Bins;

    /// <summary><para type="description">File to save a checkpoint to (atomically) every -CheckpointEvery epochs and at
    /// the end; or a folder (existing, or ending in '/'), for a file named as the cmdlet's help says.</para></summary>
    [Parameter]
    public string? CheckpointPath { get; set; }

    /// <summary><para type="description">Epochs between checkpoints.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int CheckpointEvery { get; set; } = Paper.CheckpointEvery;

    /// <summary><para type="description">Continue from -CheckpointPath when it exists; the result equals an
    /// uninterrupted run with the same seed. A checkpoint of a different run (another model kind, extractors or their
    /// order, TopK, aggregation, head, recipe or split, or split rows whose structures or targets changed) is refused
    /// with an error naming each setting that differs.</para></summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    /// <summary><para type="description">cpu, cuda or cuda:N. Default: the first CUDA device, else the CPU.</para></summary>
    [Parameter]
    [ArgumentCompleter(typeof(DeviceNameCompleter))]
    public string? Device { get; set; }

    /// <summary><para type="description">Train even when structures of the dataset have atoms with no neighbour within
    /// the graph radius (8 Å), which is refused otherwise with the rows named: CGCNN sees only padding around such
    /// atoms.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The error naming the dataset's rows whose structures have atoms with no neighbour within the radius;
    /// null when there are none, or with -Force.</summary>
    protected ErrorRecord? IsolatedAtomsError(CrystalDataset dataset, GraphSettings settings)
    {
        if (Force) return null;
        try
        {
            IsolatedAtoms.CheckRows(dataset.Entries.Select(e => e.Crystal).ToList(), settings, dataset.Name);
            return null;
        }
        catch (IsolatedAtomsException e)
        {
            return IsolatedAtomsErrorRecord(e, dataset, "train on it");
        }
    }

    protected TrainingOptions BuildOptions()
    {
        var options = SettingParameters.Bind(Paper.With(Preset), MyInvocation.BoundParameters) with
        {
            MinimumLearningRate = MinimumLearningRate, Optimizer = Optimizer, Seed = Seed, WeightedSampling = WeightedSampling, Bins = Bins,
            CheckpointPath = CheckpointPath == null ? null : CheckpointFile(ResolvePath(CheckpointPath)),
            CheckpointEvery = CheckpointEvery, Resume = Resume,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            Fail(e, options, "InvalidTrainingOptions");
        }
        return options;
    }

    /// <summary>The checkpoint file's name (without .ckpt) when -CheckpointPath is a folder.</summary>
    protected abstract string CheckpointName { get; }

    /// <summary>-CheckpointPath as a file: itself, or CheckpointName.ckpt inside it when it is a folder.</summary>
    protected string CheckpointFile(string path) =>
        Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar)
            ? Path.Combine(path, CheckpointName + ".ckpt")
            : path;

    /// <summary>Runs <paramref name="training"/> with a progress bar; Ctrl+C cancels it at the next batch.</summary>
    protected T RunTraining<T>(string activity, Func<IProgress<EpochReport>, CancellationToken, T> training)
    {
        using (runner = new TrainingCmdletRunner(this, activity))
        {
            try
            {
                return runner.Run(training);
            }
            finally
            {
                runner = null;
            }
        }
    }

    protected override void StopProcessing() => runner?.Stop();

    /// <summary>PowerShell disposes the cmdlet when the pipeline ends, also when a run throws mid-way.</summary>
    public void Dispose()
    {
        runner?.Dispose();
        GC.SuppressFinalize(this);
    }
}
