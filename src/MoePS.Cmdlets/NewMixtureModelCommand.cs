using System.Management.Automation;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Settings;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Combines pre-trained extractors into an (untrained) mixture of experts.</para>
/// <para type="description">The gate θ starts at ones (the paper's; -GateStart Probe starts it from a relevance probe of
/// each extractor) and keeps the TopK largest (G = Softmax(KeepTopK(θ, k))); Add sums the gated extractor features, Concat puts them side by side, Ensemble gives each extractor its own head and
/// weights the predictions by the gate. Each extractor's last -FineTuneLayers convolution layers are fine-tuned, the
/// rest stay frozen; a TensorNet expert enters through an adapter, frozen or (-TensorNetLastBlock FineTuned) with its last
/// block fine-tuned. One extractor is pairwise transfer learning (TL). Train it with Start-MixtureTraining.</para>
/// </summary>
/// <example>
/// <code>Get-Extractor | New-MixtureModel -TopK 4</code>
/// <para>A mixture of the paper's 18 extractors of which 4 are active at a time.</para>
/// </example>
/// <example>
/// <code>New-MixtureModel -Extractor (Get-Extractor mp_eform)</code>
/// <para>Transfer learning from the MP formation-energy extractor.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "MixtureModel")]
[OutputType(typeof(MixtureModel))]
public sealed class NewMixtureModelCommand : MoeCmdlet
{
    readonly List<IExpert> extractors = new();

    /// <summary><para type="description">The extractors (e.g. from Get-Extractor or Import-Extractor).</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [AllowEmptyCollection]
    public IExpert[] Extractor { get; set; } = Array.Empty<IExpert>();

    /// <summary><para type="description">How many extractors are active at once (k). Default: all of them.</para></summary>
    [Parameter]
    public int TopK { get; set; }

    /// <summary><para type="description">Add (the paper's), Concat or Ensemble (gated by the top-k scores,
    /// regularised), or the paper code's forms of its Table 1: PaperConcat (features times raw learnable scales,
    /// concatenated) and PaperEnsemble (a head per extractor, predictions weighted by a softmax), which use every
    /// extractor and no regulariser.</para></summary>
    [Parameter]
    public Aggregation Aggregation { get; set; } = RunSettings.Aggregation.Default;

    /// <summary><para type="description">Layers of the new head (Linear, Softplus, …, Linear).</para></summary>
    [Parameter]
    public int HeadLayers { get; set; } = RunSettings.HeadLayers.Default;

    /// <summary><para type="description">Width of the head's hidden layers.</para></summary>
    [Parameter]
    public int HiddenSize { get; set; } = RunSettings.HiddenSize.Default;

    /// <summary><para type="description">How many of each extractor's last convolution layers are fine-tuned.</para></summary>
    [Parameter]
    public int FineTuneLayers { get; set; } = RunSettings.FineTuneLayers.Default;

    /// <summary><para type="description">λ of the gate regulariser λ(aᵀa − 1)².</para></summary>
    [Parameter]
    public double GateRegularization { get; set; } = RunSettings.GateRegularization.Default;

    /// <summary><para type="description">Learning rate of the fine-tuned layers (head and gate use Start-MixtureTraining's -LearningRate).</para></summary>
    [Parameter]
    public double FineTuneLearningRate { get; set; } = RunSettings.FineTuneLearningRate.Default;

    /// <summary><para type="description">BatchNorm statistics of the frozen layers: Source (the default: the
    /// extractors' own, cached once; measured better than or level with the others on the paper's small tasks, see
    /// README), Adapt (re-estimated once on the training rows, then cached) or Batch (the paper's code: train mode in
    /// every step, running statistics saved with the best model; slow).</para></summary>
    [Parameter]
    public FrozenNormalization FrozenNormalization { get; set; } = RunSettings.FrozenNormalization.Default;

    /// <summary><para type="description">Where the gate's θ starts: Ones (the paper's; the first k extractors by order
    /// start active) or Probe (from a ridge regression on each extractor's frozen features, fitted on the training rows
    /// and scored on the validation rows before training: the k best-probed extractors start active, weighted by
    /// 1/MAE).</para></summary>
    [Parameter]
    public GateStart GateStart { get; set; } = RunSettings.GateStart.Default;

    /// <summary><para type="description">A TensorNet expert's last interaction block: Frozen (the default: its own
    /// features, cached on disk) or FineTuned (with out_norm and linear, at -FineTuneLearningRate, as each CGCNN
    /// extractor's last convolution is; measured to pay on tasks of a few hundred rows and to overfit on ~100, see README).
    /// Needs a TensorNet expert among -Extractor.</para></summary>
    [Parameter]
    public TensorNetLastBlock TensorNetLastBlock { get; set; } = RunSettings.TensorNetLastBlock.Default;

    protected override void ProcessRecord() => extractors.AddRange(Extractor);

    protected override void EndProcessing()
    {
        var options = SettingParameters.Bind(new MixtureOptions(), MyInvocation.BoundParameters);
        try
        {
            WriteObject(new MixtureModel(extractors, options));
        }
        catch (ArgumentException e)
        {
            Fail(e, extractors, "InvalidMixture");
        }
    }
}
