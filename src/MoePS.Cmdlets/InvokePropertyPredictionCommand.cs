using System.Management.Automation;
using MoePS.Cmdlets.Cluster;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Predicts a property of crystals with a trained model or extractor.</para>
/// <para type="description">One Prediction per crystal: Id, Formula, Predicted, Unit, and Actual and AbsoluteError when
/// the target is known (-Dataset). An extractor predicts its own source property. With several models (e.g. several
/// seeds) Predicted is their mean and StdDev their spread. Streams from the pipeline, batching internally. A crystal
/// with atoms that have no neighbour within the graph radius (8 Å) is refused with an error naming it, unless
/// -Force.</para>
/// <para type="description">With -Path, the crystals come from structure files (CIF, POSCAR, extended XYZ, pymatgen
/// JSON). With -Scheduler Slurm, the files are split into -Shards consecutive shards, each predicted by one Slurm array
/// task with the given models (saved into the job folder, so models from memory work too), and the cmdlet returns a job
/// at once; the rows, one per structure in input order (a file that cannot be read, or a structure the model cannot
/// take, gets a row with its Error), are merged into the CSV -OutputPath when the last shard ends, and Receive-Job
/// gives them as Predictions (and errors).</para>
/// <example><code>Import-Crystal new/*.cif | Invoke-PropertyPrediction -Model (Get-Extractor mp_eform)</code></example>
/// <example><code>$job = Invoke-PropertyPrediction -Model m.moem -Path 'candidates/*.cif' -Scheduler Slurm -Shards 100 -OutputPath preds.csv
/// $job | Wait-Job; Import-Csv preds.csv | Sort-Object { [double]$_.Predicted } | Select-Object -First 20</code></example>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "PropertyPrediction", DefaultParameterSetName = "Crystal")]
[OutputType(typeof(Prediction), typeof(SlurmJob))]
public sealed partial class InvokePropertyPredictionCommand : CrystalBatchCmdlet
{
    /// <summary><para type="description">The model(s): extractors or trained models, or their files (.moem, .moex,
    /// .safetensors, .pth); several are averaged.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ModelFileTransformation]
    public IPropertyModel[] Model { get; set; } = Array.Empty<IPropertyModel>();

    /// <summary><para type="description">Structure files to predict (wildcards allowed), in order.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    const string PathSet = "Path";
    readonly List<string> files = new();

    protected override void BeginProcessing()
    {
        CheckScheduler();
        if (Scheduler != JobScheduler.Slurm) base.BeginProcessing();
        try
        {
            PropertyPredictor.CheckCompatible(Model);
        }
        catch (ArgumentException e)
        {
            Fail(e, Model, "IncompatibleModels");
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != PathSet)
        {
            base.ProcessRecord();
            return;
        }
        foreach (string path in Path)
        {
            try { files.AddRange(ProviderPaths.Resolve(this, path)); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, path, "StructurePathNotFound"); }
        }
        if (Scheduler == JobScheduler.Slurm) return;
        foreach (string file in files)
        {
            StructuresRead read;
            try { read = StructureFile.ReadEach(file); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, file, "StructureImportFailed"); continue; }
            foreach (var error in read.Errors) WriteItemError(error, file, "StructureImportFailed");
            foreach (var crystal in read.Crystals) Add(crystal, null);
        }
        files.Clear();
    }

    protected override void EndProcessing()
    {
        if (Scheduler == JobScheduler.Slurm) SubmitToSlurm();
        else base.EndProcessing();
    }

    protected override void CheckCrystal(Crystal crystal)
    {
        foreach (var m in Model) m.CheckSupports(crystal);
    }

    protected override IEnumerable<GraphSettings> GraphSettingsUsed => Model.Select(m => m.GraphSettings).OfType<GraphSettings>();

    protected override string Action => "predict it";

    protected override void ProcessBatch(IReadOnlyList<PredictionInput> batch)
    {
        foreach (var p in PropertyPredictor.Predict(Model, batch, ComputeDevice)) WriteObject(p);
    }
}
