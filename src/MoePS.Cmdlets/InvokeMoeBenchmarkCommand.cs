using System.Management.Automation;
using MoePS.Cmdlets.Cluster;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Reports;
using MoePS.Engine.Settings;
using MoePS.Engine.Training;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Runs a benchmark — tasks × methods × seeds of STL, TL and mixtures — appending each result to a result file as it finishes.</para>
/// <para type="description">Each run trains on split K of its task for seed K (splits/seedK.json of the paper where it
/// has the task, else a random 70/15/15 split by the seed) and tests on the test rows. STL is a CGCNN trained from
/// scratch; TL a mixture of one extractor (-TransferFrom, default mp_eform); MoE a gated mixture of -Extractor
/// (default: every paper extractor available) with k = -TopK; Ensemble and Concat are mixtures with those aggregations
/// (or MoE with -Aggregation), PaperEnsemble and PaperConcat the paper code's forms of them (its Table 1). One
/// BenchmarkResult per run of the plan is written to the pipeline in plan order (flat, so Export-Csv and Export-Excel
/// work), and each run trained is appended at once to -ResultPath (JSON Lines), so a killed benchmark loses only the
/// run in progress. Rerunning with the same -ResultPath doesn't redo the runs already in it (same task, method, seed
/// and settings): they are read back and output with FromResultFile set, so the output of a resumed benchmark is still
/// the whole plan. Several Invoke-MoeBenchmark (on one machine or many sharing the folder) may write to the same
/// -ResultPath: each run is claimed in the folder "&lt;ResultPath&gt;.claims" before it starts and done once; a run
/// claimed by another live benchmark is left to it with a warning, and waited for once this benchmark's own runs are
/// done (its result is read back from the file, or the run is done here if the other gives it up), so that each
/// benchmark outputs the whole plan in plan order. A failed run is a non-terminating error naming its task, method and
/// seed, and the others go on; Ctrl+C stops after saving what is finished.</para>
/// <para type="description">TL and mixture runs that differ only in their seed (the seeds of one method on one task)
/// train together as one pack: the crystal graphs and frozen features are built once, the runs' parameters are stacked
/// and stepped by one optimiser, and each run keeps its own split, shuffling, head initialisation, label normaliser,
/// early stop and best model, so its result is the one it would have alone (equal to the last bit on the tested CPU).
/// Each run of a pack is appended to -ResultPath as soon as it ends (one that stops early does not wait for the
/// others), runs already in the result file or claimed by another benchmark are left out of the pack, and each run of
/// the pack is claimed. STL runs, Ensemble mixtures with -TopK below their number of extractors, and runs under
/// -Scheduler Slurm (one run per array task) train one by one; -NoPack trains every run on its own.</para>
/// <para type="description">With -Config, the plan comes from a YAML experiment file (examples/*.yaml); its relative
/// resultPath, reportPath and splitPath are relative to the YAML file's folder, and a reportPath gets the workbook
/// (Export-MoeReport) of every result in the file when the plan ends. -ResultPath, -SplitPath and -Device override the
/// file's; paths given as parameters are relative to the current location.</para>
/// <para type="description">With -Scheduler Slurm, the plan's pending runs go to Slurm as one job array (one array task
/// per run) and the cmdlet returns at once with a job (Get-Job, Wait-Job, Receive-Job for the BenchmarkResults,
/// Stop-Job, Remove-Job; Get-MoeSlurmJob re-attaches from another shell). Each array task runs this installation of
/// MoePS on its node's device and appends its result to the same result file, so the result file and the module must be
/// on a file system the nodes share.</para>
/// </summary>
/// <example>
/// <code>Invoke-MoeBenchmark -Task jarvis_2d_gap_tbmbj, jarvis_2d_exfoliation -Method STL, TL, MoE -Seed (0..4) -ResultPath results.jsonl</code>
/// <para>The paper's comparison on two tasks over its five splits, with the paper's recipe (up to 1000 epochs).</para>
/// </example>
/// <example>
/// <code>Invoke-MoeBenchmark -Config examples/quick.yaml -Verbose | Measure-MoeBenchmark</code>
/// <para>Runs the plan in quick.yaml (resuming it if results/quick.jsonl has some runs) and summarises the results.</para>
/// </example>
/// <example>
/// <code>Import-CrystalDataset -Path ./my-set.json.gz | Invoke-MoeBenchmark -Method STL, MoE -TopK 4 -Epochs 100 -ResultPath mine.jsonl</code>
/// <para>Benchmarks a dataset of your own (random splits by seed) against a top-4 mixture.</para>
/// </example>
/// <example>
/// <code>$job = Invoke-MoeBenchmark -Config examples/slurm-table3.yaml -Scheduler Slurm -Partition gpu -GpusPerRun 1 -TimeLimit 02:00:00 -MaxConcurrent 20
/// $job | Wait-Job | Receive-Job | Measure-MoeBenchmark</code>
/// <para>Runs the plan on a Slurm cluster, 20 runs at a time on one GPU each, then summarises the results.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "MoeBenchmark", DefaultParameterSetName = TaskSet, SupportsShouldProcess = true)]
[OutputType(typeof(BenchmarkResult), typeof(SlurmJob))]
public sealed partial class InvokeMoeBenchmarkCommand : MoeCmdlet, IDisposable
{
    const string TaskSet = "Task", ConfigSet = "Config";
    const int PlanActivity = 1, RunActivity = 2;

    readonly List<object> tasks = new();
    readonly CancellationTokenSource stop = new();

    /// <summary><para type="description">A YAML experiment plan (tasks, methods, seeds, hyperparameters, device, result and report paths).</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ConfigSet)]
    public string Config { get; set; } = "";

    /// <summary><para type="description">Tasks: the paper's task keys (or Matbench set names), or CrystalDataset
    /// objects (Import-CrystalDataset), which may come from the pipeline.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TaskSet)]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public object[] Task { get; set; } = Array.Empty<object>();

    /// <summary><para type="description">Methods to compare: STL, TL, MoE, Ensemble, Concat, and the paper code's
    /// PaperEnsemble and PaperConcat (every extractor, no -TopK). Default: STL, TL, MoE.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    public LearningMethod[] Method { get; set; } = { LearningMethod.STL, LearningMethod.TL, LearningMethod.MoE };

    /// <summary><para type="description">Seeds; seed K uses split K (splits/seedK.json) and K as the training seed. Default: 0.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(0, int.MaxValue)]
    public int[] Seed { get; set; } = { 0 };

    /// <summary><para type="description">k of the mixtures' gate. Default: all their extractors.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? TopK { get; set; }

    /// <summary><para type="description">Aggregation of -Method MoE: Add (the paper's), Concat, Ensemble, PaperConcat
    /// or PaperEnsemble; MoE runs are then reported as that method.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    public Aggregation? Aggregation { get; set; }

    /// <summary><para type="description">Paper (the default: the paper's protocol) or Fast (200 epochs, patience 50;
    /// within the seed-to-seed spread of Paper on the paper's two smallest tasks, but it can stop a mixture short on
    /// larger ones, see README). Sets -Epochs and -Patience unless they are given.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    public TrainingPreset Preset { get; set; } = TrainingPreset.Paper;

    /// <summary><para type="description">Epoch budget of every run. Default: the paper's (that of -Preset).</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Epochs { get; set; } = RunSettings.Epochs.Default;

    /// <summary><para type="description">Early stop after this many epochs without a better validation MAE. Default:
    /// the paper's (that of -Preset).</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Patience { get; set; } = RunSettings.Patience.Default;

    /// <summary><para type="description">Mini-batch size. Default: the paper's.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(1, int.MaxValue)]
    public int BatchSize { get; set; } = RunSettings.BatchSize.Default;

    /// <summary><para type="description">Base learning rate (of STL with -StlRecipe PaperText, and of the head and gate
    /// of TL and mixtures). Default: the paper's.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(double.Epsilon, double.MaxValue)]
    public double LearningRate { get; set; } = RunSettings.LearningRate.Default;

    /// <summary><para type="description">Learning rate of the fine-tuned extractor layers of TL and mixtures. Default: the paper's.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(double.Epsilon, double.MaxValue)]
    public double FineTuneLearningRate { get; set; } = RunSettings.FineTuneLearningRate.Default;

    /// <summary><para type="description">The extractor TL starts from. Default: the one of the paper's Table 3.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ArgumentCompleter(typeof(ExtractorNameCompleter))]
    public string TransferFrom { get; set; } = RunSettings.TransferFrom.Default;

    /// <summary><para type="description">Extractors of the mixtures. Default: every paper extractor available (18 with the paper's data).</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ArgumentCompleter(typeof(ExtractorNameCompleter))]
    public string[]? Extractor { get; set; }

    /// <summary><para type="description">λ of the mixtures' gate regulariser λ(aᵀa − 1)². Default: the paper's.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(0.0, double.MaxValue)]
    public double GateRegularization { get; set; } = RunSettings.GateRegularization.Default;

    /// <summary><para type="description">BatchNorm statistics of the extractors' frozen layers in TL and mixtures:
    /// Source (the default, the extractors' own), Adapt (re-estimated on each run's training rows) or Batch (the
    /// paper's code: train mode every step; slow). See New-MixtureModel.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    public FrozenNormalization FrozenNormalization { get; set; } = RunSettings.FrozenNormalization.Default;

    /// <summary><para type="description">Layers of the head of TL and mixtures (Linear, Softplus, …, Linear). Default: the paper's.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(1, int.MaxValue)]
    public int HeadLayers { get; set; } = RunSettings.HeadLayers.Default;

    /// <summary><para type="description">Width of the hidden layers of that head. Default: the paper's.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(1, int.MaxValue)]
    public int HiddenSize { get; set; } = RunSettings.HiddenSize.Default;

    /// <summary><para type="description">How many of each extractor's last convolution layers TL and mixtures fine-tune. Default: the paper's.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    [ValidateRange(0, int.MaxValue)]
    public int FineTuneLayers { get; set; } = RunSettings.FineTuneLayers.Default;

    /// <summary><para type="description">Where the mixtures' gate θ starts: Ones (the paper's, the default) or Probe
    /// (from a relevance probe of each extractor on the run's training and validation rows). See
    /// New-MixtureModel.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    public GateStart GateStart { get; set; } = RunSettings.GateStart.Default;

    /// <summary><para type="description">A TensorNet expert's last interaction block in TL and mixtures that have one:
    /// Frozen (the default) or FineTuned. See New-MixtureModel.</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    public TensorNetLastBlock TensorNetLastBlock { get; set; } = RunSettings.TensorNetLastBlock.Default;

    /// <summary><para type="description">STL's optimiser: PaperText (the default: Adam at 0.01, as the paper's text
    /// says) or PaperCode (SGD at 0.02, momentum 0.9, cosine to 1e-5: the paper's main_singletask.py, which produced
    /// its Table 3 STL column).</para></summary>
    [Parameter(ParameterSetName = TaskSet)]
    public SingleTaskRecipe StlRecipe { get; set; } = RunSettings.StlRecipe.Default;

    /// <summary><para type="description">Folder of the split files seedK.json. Default: splits/ under
    /// $env:MOEPS_DATA_PATH; tasks without a split there get a random split by seed.</para></summary>
    [Parameter]
    public string? SplitPath { get; set; }

    /// <summary><para type="description">The JSON Lines result file: finished runs are appended as they end and skipped
    /// on a rerun. Required with -Task; with -Config it replaces the plan's resultPath.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = TaskSet)]
    [Parameter(ParameterSetName = ConfigSet)]
    public string? ResultPath { get; set; }

    /// <summary><para type="description">Train every run on its own, one after another, instead of the seeds of a TL or
    /// mixture method on a task as one pack. Packing gives the same results and is not slower on the CPU (bench:
    /// pack.speed); this switch is for comparing the two.</para></summary>
    [Parameter]
    public SwitchParameter NoPack { get; set; }

    /// <summary><para type="description">cpu, cuda or cuda:N. Default: the plan's device, else the first CUDA device, else the CPU.</para></summary>
    [Parameter]
    [ArgumentCompleter(typeof(DeviceNameCompleter))]
    public string? Device { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == TaskSet) tasks.AddRange(Task.Select(t => t is PSObject p ? p.BaseObject : t));
    }

    protected override void EndProcessing()
    {
        var (plan, datasets) = ParameterSetName == ConfigSet ? FromConfig() : FromParameters();
        if (Scheduler == JobScheduler.Slurm) { SubmitToSlurm(plan, datasets); return; }
        var device = ResolveDevice(Device ?? (plan.Device == "auto" ? null : plan.Device));
        var store = new ResultStore(plan.ResultPath);
        BenchmarkTasks? taskSource = null;
        try { taskSource = new BenchmarkTasks(plan.SplitPath, datasets); }
        catch (ArgumentException e) { Fail(e, datasets, "DuplicateTask"); }
        using var trainer = new BenchmarkTrainer(taskSource, device);
        using var training = new TrainingCmdletRunner(this, "", RunActivity, PlanActivity);
        // Runs another benchmark holds are waited for, so that the output is the whole plan in plan order.
        var benchmark = new BenchmarkRunner(store, new ShownExecutor(trainer, training), pack: !NoPack) { WaitForOthersEvery = TimeSpan.FromSeconds(5) };
        BenchmarkSchedule? schedule = null;
        try { schedule = benchmark.Schedule(plan.Runs()); }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { Fail(e, store.Path, "ResultFileUnreadable"); }
        Announce(plan, schedule, store);
        RunAll(plan, schedule, benchmark, training);
        if (plan.ReportPath != null) WriteReport(plan.ReportPath, store);
    }

    /// <summary>Runs the engine's loop, streaming each result and reporting each failure.</summary>
    void RunAll(ExperimentPlan plan, BenchmarkSchedule schedule, BenchmarkRunner benchmark, TrainingCmdletRunner training)
    {
        var hooks = new BenchmarkHooks
        {
            MayRun = run => ShouldProcess(Describe(run), "Train and test"),
            Starting = step =>
            {
                string runs = step.Pack.Count == 1 ? $"Run {step.Index + 1}" : $"Runs {step.Index + 1}-{step.Index + step.Pack.Count}";
                WriteProgress(new ProgressRecord(PlanActivity, $"Benchmark {plan.Name}", $"{runs}/{step.Count}: {Describe(step)}")
                    { PercentComplete = step.PercentComplete });
                training.Activity = $"Training {Describe(step)}";
            },
            Waiting = (run, holder) => WriteWarning(
                $"{Describe(run)} is being run by another benchmark ({holder?.ToString() ?? "claim being written"}); waiting for its result in {benchmark.Store.Path}."),
        };
        var count = new Dictionary<BenchmarkRunStatus, int>();
        try
        {
            foreach (var outcome in benchmark.Run(schedule, hooks, cancellation: stop.Token))
            {
                count[outcome.Status] = count.GetValueOrDefault(outcome.Status) + 1;
                Report(outcome, schedule, benchmark.Store);
            }
        }
        catch (OperationCanceledException)
        {
            WriteWarning("Benchmark stopped; the runs in progress were not saved (those of a pack that had ended were). Rerun with the same result file to go on.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e, benchmark.Store.Path, "ResultFileNotWritten");
        }
        finally
        {
            ClosePlanProgress(plan);
        }
        WriteVerbose($"{count.GetValueOrDefault(BenchmarkRunStatus.Finished)} of {schedule.Pending.Count} runs finished here, " +
            $"{count.GetValueOrDefault(BenchmarkRunStatus.Failed)} failed, {count.GetValueOrDefault(BenchmarkRunStatus.ClaimedElsewhere)} left to other benchmarks; " +
            $"{count.GetValueOrDefault(BenchmarkRunStatus.InResultFile)} came from {benchmark.Store.Path}.");
    }

    /// <summary>
    /// Every run with a result goes down the pipeline, those read from the result file marked
    /// FromResultFile, so the output is the whole plan; a failed run is an error naming it.
    /// </summary>
    void Report(BenchmarkRunOutcome outcome, BenchmarkSchedule schedule, ResultStore store)
    {
        var run = outcome.Run;
        switch (outcome)
        {
            case { Status: BenchmarkRunStatus.Finished, Result: { } result }:
                WriteVerbose($"{result} ({result.Epochs} epochs, {result.Seconds:F1} s, split {result.Split})");
                WriteObject(result);
                break;
            case { Status: BenchmarkRunStatus.InResultFile, Result: { } stored }:
                if (!schedule.Stored.ContainsKey(run.Key)) WriteVerbose($"{Describe(run)} was finished by another benchmark writing to {store.Path}.");
                WriteObject(stored);
                break;
            case { Status: BenchmarkRunStatus.ClaimedElsewhere }:
                WriteWarning($"{Describe(run)} is being run by another benchmark ({outcome.ClaimedBy?.ToString() ?? "claim being written"}), so not here; " +
                    $"its result will be in {store.Path} when it finishes.");
                break;
            case { Status: BenchmarkRunStatus.Failed, Error: { } error }:
                WriteError(new ErrorRecord(error, "BenchmarkRunFailed", CategoryOf(error.InnerException ?? error), run));
                break;
        }
    }

    static string Describe(PlannedRun run) => $"{run.Task} {run.Method} seed {run.Seed}";

    static string Describe(BenchmarkStep step) => step.Pack.Count == 1 ? Describe(step.Run)
        : $"{step.Run.Task} {step.Run.Method} seeds {string.Join(", ", step.Pack.Select(r => r.Seed))} (one pack)";

    void ClosePlanProgress(ExperimentPlan plan)
    {
        try
        {
            WriteProgress(new ProgressRecord(PlanActivity, $"Benchmark {plan.Name}", "Done") { RecordType = ProgressRecordType.Completed });
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C: the bar goes with the pipeline.
        }
    }

    void Announce(ExperimentPlan plan, BenchmarkSchedule schedule, ResultStore store)
    {
        int total = schedule.Pending.Count + schedule.Finished.Count;
        WriteVerbose($"Benchmark '{plan.Name}': {total} runs, results in {store.Path}");
        if (schedule.TruncatedTail)
            WriteWarning($"{store.Path}: the last line is incomplete (a run killed while writing) and is ignored; that run is redone.");
        if (schedule.Finished.Count == 0) return;
        WriteVerbose($"Skipping {schedule.Finished.Count} of {total} runs already in {store.Path}:");
        foreach (var run in schedule.Finished) WriteVerbose($"  {Describe(run)} (finished)");
    }

    void WriteReport(string path, ResultStore store)
    {
        if (!ShouldProcess(path, "Write the benchmark workbook")) return;
        try
        {
            var results = store.ReadAll();
            if (results.Count == 0) return;
            var files = MoeReport.Write(path, results.ToList(), overwrite: true);
            WriteVerbose($"Wrote {files.Workbook} and {files.Images.Count} PNG plots.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException or InvalidOperationException)
        {
            WriteError(ToErrorRecord(e, path, "ReportNotWritten"));
        }
    }

    (ExperimentPlan Plan, IReadOnlyList<CrystalDataset> Datasets) FromConfig()
    {
        string path = ResolvePath(Config);
        ExperimentPlan? plan = null;
        try { plan = ExperimentPlanReader.Load(path); }
        catch (Exception e) when (e is ExperimentPlanException or IOException or UnauthorizedAccessException)
        {
            Fail(e, path, e is ExperimentPlanException ? "InvalidExperimentPlan" : "ExperimentPlanUnreadable");
        }
        plan = plan with
        {
            ResultPath = ResultPath != null ? ResolvePath(ResultPath) : plan.ResultPath,
            SplitPath = SplitPath != null ? ResolvePath(SplitPath) : plan.SplitPath,
        };
        return (plan, Array.Empty<CrystalDataset>());
    }

    (ExperimentPlan Plan, IReadOnlyList<CrystalDataset> Datasets) FromParameters()
    {
        var datasets = new List<CrystalDataset>();
        var names = new List<string>();
        foreach (object t in tasks)
        {
            switch (t)
            {
                case CrystalDataset d: datasets.Add(d); names.Add(d.Name); break;
                case string s when !string.IsNullOrWhiteSpace(s): names.Add(s.Trim()); break;
                default:
                    Fail(new ArgumentException($"-Task takes task names or CrystalDataset objects, not '{t}' ({t?.GetType().Name ?? "null"})."), t, "InvalidTask");
                    break;
            }
        }
        var settings = SettingParameters.Bind(new BenchmarkHyperparameters().With(Preset), MyInvocation.BoundParameters);
        var methods = new List<PlannedMethod>();
        try
        {
            foreach (var m in Method) methods.Add(PlannedMethod.Create(m, settings, Aggregation));
        }
        catch (ArgumentException e)
        {
            Fail(e, Method, "InvalidBenchmarkMethod");
        }
        var plan = new ExperimentPlan
        {
            Name = "benchmark",
            Tasks = names.Distinct(StringComparer.Ordinal).ToList(),
            Methods = methods,
            Seeds = Seed.Distinct().ToList(),
            ResultPath = ResolvePath(ResultPath!),
            SplitPath = SplitPath == null ? null : ResolvePath(SplitPath),
            Hyperparameters = settings,
        };
        return (plan, datasets);
    }

    protected override void StopProcessing() => stop.Cancel();

    /// <summary>PowerShell disposes the cmdlet when the pipeline ends, also when a run throws mid-way.</summary>
    public void Dispose() => stop.Dispose();

    /// <summary>
    /// Trains each run (or pack) on a worker thread while the cmdlet's thread shows its epochs, as PowerShell
    /// takes output only from its own thread; Ctrl+C reaches the training through either token.
    /// </summary>
    sealed class ShownExecutor(IPackingBenchmarkExecutor trainer, TrainingCmdletRunner runner) : IPackingBenchmarkExecutor
    {
        public BenchmarkResult Execute(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation) =>
            runner.Run((shown, pumpStopped) =>
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellation, pumpStopped);
                return trainer.Execute(run, shown, either.Token);
            });

        public bool CanPack(PlannedRun run) => trainer.CanPack(run);

        /// <remarks>The runs' results are stored by the runner's callbacks on the worker thread, which touch no PowerShell stream.</remarks>
        public void ExecutePack(IReadOnlyList<PlannedRun> runs, Action<PlannedRun, BenchmarkResult> finished, Action<PlannedRun, Exception> failed,
            IProgress<EpochReport>? progress, CancellationToken cancellation) =>
            runner.Run((shown, pumpStopped) =>
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellation, pumpStopped);
                trainer.ExecutePack(runs, finished, failed, shown, either.Token);
                return runs.Count;
            });
    }
}
