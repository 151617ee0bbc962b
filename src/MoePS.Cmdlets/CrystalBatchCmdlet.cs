using System.Management.Automation;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Cmdlets;

/// <summary>
/// Base of cmdlets that run a model over crystals streamed from the pipeline (-Crystal) or over a
/// whole dataset (-Dataset): collects them into batches of <see cref="Extractor.EvaluationBatchSize"/>,
/// rejects crystals the model cannot take one by one (non-terminating) — also, unless -Force, crystals with atoms that
/// have no neighbour within the graph radius (<see cref="IsolatedAtoms"/>) — and hands each batch on.
/// </summary>
public abstract class CrystalBatchCmdlet : MoeCmdlet
{
    readonly List<PredictionInput> buffer = new();
    ComputeDevice? device;

    /// <summary><para type="description">Crystals (e.g. from Import-Crystal).</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Crystal")]
    public Crystal[] Crystal { get; set; } = Array.Empty<Crystal>();

    /// <summary><para type="description">A dataset; every row is used and its targets fill Actual.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "Dataset")]
    public CrystalDataset Dataset { get; set; } = null!;

    /// <summary><para type="description">cpu, cuda or cuda:N. Default: the first CUDA device, else the CPU.</para></summary>
    [Parameter]
    [ArgumentCompleter(typeof(DeviceNameCompleter))]
    public string? Device { get; set; }

    /// <summary><para type="description">Also process crystals with atoms that have no neighbour within the graph
    /// radius (8 Å), which are refused otherwise: CGCNN sees only padding around such atoms, so the result ignores
    /// their surroundings.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected ComputeDevice ComputeDevice => device!;

    /// <summary>Throws when the model(s) cannot take this crystal.</summary>
    protected abstract void CheckCrystal(Crystal crystal);

    /// <summary>The graph settings the model(s) build graphs with.</summary>
    protected abstract IEnumerable<GraphSettings> GraphSettingsUsed { get; }

    /// <summary>What the cmdlet does to a crystal, for messages ("predict", …).</summary>
    protected abstract string Action { get; }

    /// <summary>Runs the model(s) on one batch and writes the results.</summary>
    protected abstract void ProcessBatch(IReadOnlyList<PredictionInput> batch);

    protected override void BeginProcessing() => device = ResolveDevice(Device);

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Dataset")
            foreach (var entry in Dataset.Entries) Add(entry.Crystal, entry.HasTarget ? entry.Target : null);
        else
            foreach (var crystal in Crystal) Add(crystal, null);
    }

    protected override void EndProcessing() => Flush();

    /// <summary>Queues a crystal for the next batch (after checking the model takes it).</summary>
    protected void Add(Crystal crystal, double? actual)
    {
        try
        {
            CheckCrystal(crystal);
            if (!Force)
                foreach (var settings in GraphSettingsUsed.Distinct()) IsolatedAtoms.Check(crystal, settings);
        }
        catch (IsolatedAtomsException e)
        {
            WriteError(IsolatedAtomsErrorRecord(e, crystal, Action));
            return;
        }
        catch (Exception e) when (e is ArgumentException or CrystalFormatException)
        {
            WriteItemError(e, crystal, "CrystalNotSupported");
            return;
        }
        buffer.Add(new PredictionInput(crystal, actual));
        if (buffer.Count >= Extractor.EvaluationBatchSize) Flush();
    }

    void Flush()
    {
        if (buffer.Count == 0) return;
        var batch = buffer.ToList();
        buffer.Clear();
        try
        {
            ProcessBatch(batch);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteItemError(new InvalidOperationException(
                $"Could not process {batch.Count} crystal(s) ({string.Join(", ", batch.Take(3).Select(b => b.Crystal.Id))}{(batch.Count > 3 ? ", …" : "")}): {e.Message}", e),
                batch[0].Crystal, "BatchFailed");
        }
    }
}
