using System.Management.Automation;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Predicts a property of crystals with a trained model or extractor.</para>
/// <para type="description">One Prediction per crystal: Id, Formula, Predicted, Unit, and Actual and AbsoluteError when the target is known (-Dataset). An extractor predicts its own source property. With several models (e.g. several seeds) Predicted is their mean and StdDev their spread. Streams from the pipeline, batching internally. A crystal with atoms that have no neighbour within the graph radius (8 Å) is refused with an error naming it, unless -Force.</para>
/// <example><code>Import-Crystal new/*.cif | Invoke-PropertyPrediction -Model (Get-Extractor mp_eform)</code></example>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "PropertyPrediction", DefaultParameterSetName = "Crystal")]
[OutputType(typeof(Prediction))]
public sealed class InvokePropertyPredictionCommand : CrystalBatchCmdlet
{
    /// <summary><para type="description">The model(s): extractors or trained models; several are averaged.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public IPropertyModel[] Model { get; set; } = Array.Empty<IPropertyModel>();

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            PropertyPredictor.CheckCompatible(Model);
        }
        catch (ArgumentException e)
        {
            Fail(e, Model, "IncompatibleModels");
        }
    }

    protected override void CheckCrystal(Crystal crystal)
    {
        foreach (var m in Model) m.CheckSupports(crystal);
    }

    protected override IEnumerable<GraphSettings> GraphSettingsUsed => Model.Select(m => m.GraphSettings);

    protected override string Action => "predict it";

    protected override void ProcessBatch(IReadOnlyList<PredictionInput> batch)
    {
        foreach (var p in PropertyPredictor.Predict(Model, batch, ComputeDevice)) WriteObject(p);
    }
}
