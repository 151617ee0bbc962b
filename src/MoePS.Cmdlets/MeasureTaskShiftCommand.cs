using System.Management.Automation;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Experts;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Measures how far a target task is from a reference task: central moment discrepancy in an
/// extractor's feature space and in label space.</para>
/// <para type="description">The paper's transferability analysis: both tasks' crystals are turned into the extractor's
/// features, squashed into (0, 1) by a sigmoid, and compared by the central moment discrepancy (Zellinger et al. 2017)
/// with moments up to -Moments (50); the labels are standardised per task (the tasks measure different properties),
/// squashed the same way and compared likewise. 0 means the same distribution; larger is farther. Rows without a target
/// are left out of the label comparison.</para>
/// </summary>
/// <example>
/// <code>$mp = Import-CrystalDataset -Name mp_poisson_ratio
/// Import-CrystalDataset -Name jarvis_2d_eform | Measure-TaskShift -Reference $mp -Extractor (Get-Extractor mp_eform)</code>
/// <para>How far the 2D formation-energy task is from the MP Poisson-ratio task in mp_eform's feature space.</para>
/// </example>
/// <example>
/// <code>Get-Extractor | ForEach-Object { Measure-TaskShift -Reference $a -Target $b -Extractor $_ } | Sort-Object FeatureCMD</code>
/// <para>Ranks the paper's extractors by how alike they see the two tasks.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Measure, "TaskShift")]
[OutputType(typeof(TaskShift))]
public sealed class MeasureTaskShiftCommand : MoeCmdlet
{
    (CrystalDataset Dataset, double[,] Features)? reference;
    ComputeDevice device = null!;

    /// <summary><para type="description">The task to compare against (e.g. the extractor's own source task).</para></summary>
    [Parameter(Mandatory = true)]
    public CrystalDataset Reference { get; set; } = null!;

    /// <summary><para type="description">The task(s) to compare; several may come from the pipeline.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public CrystalDataset Target { get; set; } = null!;

    /// <summary><para type="description">The extractor whose features define the feature space.</para></summary>
    [Parameter(Mandatory = true)]
    public IExpert Extractor { get; set; } = null!;

    /// <summary><para type="description">Highest central moment compared (K). The paper: 50.</para></summary>
    [Parameter]
    [ValidateRange(1, 200)]
    public int Moments { get; set; } = CentralMomentDiscrepancy.DefaultOrder;

    /// <summary><para type="description">cpu, cuda or cuda:N for the extractor. Default: the first CUDA device, else the CPU.</para></summary>
    [Parameter]
    [ArgumentCompleter(typeof(DeviceNameCompleter))]
    public string? Device { get; set; }

    protected override void BeginProcessing() => device = ResolveDevice(Device);

    protected override void ProcessRecord()
    {
        try
        {
            reference ??= (Reference, Features(Reference));
            var (refData, refFeatures) = reference.Value;
            var shift = TaskShift.Measure(refData.Name, refFeatures, Labels(refData),
                Target.Name, Features(Target), Labels(Target), Extractor.Name, Moments);
            WriteObject(shift);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteItemError(e, Target, "TaskShiftFailed");
        }
    }

    double[,] Features(CrystalDataset dataset)
    {
        var crystals = dataset.Entries.Select(e => e.Crystal).ToList();
        foreach (var c in crystals) Extractor.CheckSupports(c);
        var features = PropertyPredictor.Features(Extractor, crystals, device);
        var matrix = new double[features.Count, Extractor.FeatureLength];
        for (int i = 0; i < features.Count; i++)
            for (int j = 0; j < Extractor.FeatureLength; j++) matrix[i, j] = features[i].Feature[j];
        return matrix;
    }

    static List<double> Labels(CrystalDataset dataset) =>
        dataset.Entries.Where(e => e.HasTarget).Select(e => e.Target).ToList();
}
