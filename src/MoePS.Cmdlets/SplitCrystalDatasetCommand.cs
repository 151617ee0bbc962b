using System.Management.Automation;
using MoePS.Engine.Crystals;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Splits a crystal dataset into train, validation and test rows, randomly by seed or from one of the paper's split files.</para>
/// <para type="description">-Seed shuffles the rows with a documented generator (SplitMix64 + Fisher–Yates), so a seed
/// gives the same split everywhere; train = ⌊n·TrainFraction⌋, validation = ⌊n·ValidationFraction⌋, test = the rest.
/// -SplitFile reads a seedK.json of the paper ({task: {train, val, test}}) for -Task (default: the dataset's name). A
/// split that puts a row in two parts (e.g. train and test), or twice in one part, is refused with the rows named. Rows
/// in no part are counted: a warning when they are more than 1% of the dataset (a split file of another dataset, say),
/// else a verbose message (the paper's own split files leave out up to 2 rows of a task).</para>
/// </summary>
/// <example>
/// <code>Import-CrystalDataset -Name expt_eform | Split-CrystalDataset -SplitFile $env:MOEPS_DATA_PATH/splits/seed0.json</code>
/// <para>Uses the paper's first split of the experimental formation-energy task, so results compare with the paper's.</para>
/// </example>
/// <example>
/// <code>$ds | Split-CrystalDataset -Seed 42 -TrainFraction 0.8 -ValidationFraction 0.1</code>
/// <para>A reproducible random 80/10/10 split of the dataset in $ds.</para>
/// </example>
/// <example>
/// <code>
/// $ds = Import-CrystalDataset -Name jarvis_2d_exfoliation
/// $splits = 0..4 | ForEach-Object { $ds | Split-CrystalDataset -SplitFile "$env:MOEPS_DATA_PATH/splits/seed$_.json" }
/// </code>
/// <para>The paper's five splits of one task, for a mean and spread over seeds.</para>
/// </example>
[Cmdlet(VerbsCommon.Split, "CrystalDataset", DefaultParameterSetName = RandomSet)]
[OutputType(typeof(CrystalDataset))]
public sealed class SplitCrystalDatasetCommand : MoeCmdlet
{
    const string RandomSet = "Random", FileSet = "SplitFile";

    /// <summary><para type="description">The dataset to split.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public CrystalDataset Dataset { get; set; } = null!;

    /// <summary><para type="description">Seed of the random split.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = RandomSet)]
    public int Seed { get; set; }

    /// <summary><para type="description">Share of rows for training (default 0.7).</para></summary>
    [Parameter(ParameterSetName = RandomSet)]
    [ValidateRange(0.0, 1.0)]
    public double TrainFraction { get; set; } = 0.7;

    /// <summary><para type="description">Share of rows for validation (default 0.15); the test set gets the rest.</para></summary>
    [Parameter(ParameterSetName = RandomSet)]
    [ValidateRange(0.0, 1.0)]
    public double ValidationFraction { get; set; } = 0.15;

    /// <summary><para type="description">A split file in the paper's format (splits/seedK.json).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    public string SplitFile { get; set; } = "";

    /// <summary><para type="description">Task key inside the split file (default: the dataset's name).</para></summary>
    [Parameter(ParameterSetName = FileSet)]
    public string? Task { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var split = ParameterSetName == FileSet
                ? Engine.Crystals.SplitFile.Read(ResolvePath(SplitFile), Task ?? Dataset.Name)
                : RandomSplit.Create(Dataset.Count, Seed, TrainFraction, ValidationFraction);
            var splitDataset = Dataset.WithSplit(split);
            ReportUnusedRows(split);
            WriteObject(splitDataset);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteItemError(e, Dataset, "DatasetSplitFailed");
        }
    }

    /// <summary>Rows in no part: a warning past 1% of the dataset (the paper's own split files leave out 0-2 rows of a task), else verbose.</summary>
    void ReportUnusedRows(DatasetSplit split)
    {
        int unused = split.UnusedOf(Dataset.Count);
        if (unused == 0) return;
        string message = $"{unused} of the {Dataset.Count} rows of '{Dataset.Name}' are in no part of the split {split.Origin}; they are not used.";
        if (unused > Dataset.Count / 100) WriteWarning(message);
        else WriteVerbose(message);
    }
}
