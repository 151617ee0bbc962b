using System.Management.Automation;
using MoePS.Engine.Crystals;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a crystal dataset as a Matminer JSON file (.json or gzip-compressed .json.gz) that
/// Import-CrystalDataset, pandas and Matminer read.</para>
/// <para type="description">The file has the layout of the paper's task files and of Matbench: pandas' orient="split"
/// ({"index", "columns", "data"}), with a structure column of pymatgen Structure.as_dict() objects, the target column,
/// and the dataset's extra columns (for example those kept by New-CrystalDataset). The index holds the crystal ids, so
/// Import-CrystalDataset reads back the same atoms, lattices, targets and ids. A path ending in .gz is gzip-compressed.
/// The unit and the train/validation/test split are not part of the format: give them again after importing.</para>
/// <para type="description">The file is written atomically (a temporary file, then a rename); an existing file is
/// replaced only with -Force. When -Path is an existing folder, the dataset goes to &lt;folder&gt;/&lt;dataset
/// name&gt;.json.gz.</para>
/// </summary>
/// <example>
/// <code>Import-Csv gaps.csv | New-CrystalDataset -Structure { "cifs/$($_.id).cif" } -Target band_gap -Id id | Export-CrystalDataset gaps.json.gz</code>
/// <para>Turns a CSV of targets and a folder of CIF files into one file to share.</para>
/// </example>
/// <example>
/// <code>Import-CrystalDataset gaps.json.gz | Split-CrystalDataset -Seed 0</code>
/// <para>Reads it back (on another machine, say) and splits it for training.</para>
/// </example>
[Cmdlet(VerbsData.Export, "CrystalDataset", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportCrystalDatasetCommand : MoeCmdlet
{
    const string DefaultExtension = ".json.gz";

    /// <summary><para type="description">The dataset to write (from New-CrystalDataset or Import-CrystalDataset).</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public CrystalDataset Dataset { get; set; } = null!;

    /// <summary><para type="description">The file to write (.json, or .json.gz for gzip), or an existing folder.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary><para type="description">Replace an existing file.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Output the file written.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string target = ResolvePath(Path);
        if (Directory.Exists(target)) target = System.IO.Path.Combine(target, Dataset.Name + DefaultExtension);
        if (!target.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !target.EndsWith(DefaultExtension, StringComparison.OrdinalIgnoreCase))
            WriteWarning($"'{target}' does not end in .json or .json.gz; Import-CrystalDataset and pandas expect those.");
        if (!MayWrite(target, Force, $"Write the dataset '{Dataset.Name}' ({Dataset.Count} rows) as Matminer JSON")) return;
        try
        {
            MatminerDatasetWriter.Write(Dataset, target, overwrite: Force);
            WriteVerbose($"Wrote {Dataset} to {target}");
            if (PassThru) WriteObject(InvokeProvider.Item.Get(new[] { target }, force: true, literalPath: true), enumerateCollection: true);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteItemError(e, target, "DatasetExportFailed");
        }
    }
}
