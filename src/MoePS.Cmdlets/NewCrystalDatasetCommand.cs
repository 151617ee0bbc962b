using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using MoePS.Engine.Crystals;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Builds a crystal dataset from your own table: rows from Import-Csv, ImportExcel's Import-Excel
/// or Import-Crystal, each with a structure and a numeric target.</para>
/// <para type="description">Each pipeline row gives a structure and a target. -Structure names the row's property
/// holding a structure file path (or a Crystal), or is a script block that computes it from the row ($_), such as {
/// "cifs/$($_.id).cif" }; relative paths are resolved from the current location. Without -Structure, a row that is a
/// Crystal (Import-Crystal output with the target added by Add-Member or Select-Object) or that has a Crystal property
/// is used as it is. -Target names the property holding the number; text such as "1.25" (as Import-Csv gives) is read
/// in the invariant culture.</para>
/// <para type="description">A bad row — a missing or unreadable structure file, an empty or non-numeric target — is a
/// non-terminating error naming its row number (counting the pipeline's rows from 1) and the value, and the other rows
/// go on; a warning at the end says how many rows were left out. The row's other simple properties (text, numbers,
/// booleans) are kept as extra columns, which Export-CrystalDataset writes beside the target. The dataset has no split
/// yet: pipe it to Split-CrystalDataset.</para>
/// </summary>
/// <example>
/// <code>Import-Csv gaps.csv | New-CrystalDataset -Structure { "cifs/$($_.id).cif" } -Target band_gap -Id id -Unit eV</code>
/// <para>A CSV with columns id and band_gap, and one CIF file per row in the folder cifs.</para>
/// </example>
/// <example>
/// <code>Import-Excel gaps.xlsx | New-CrystalDataset -Structure file -Target band_gap -Name my-gaps</code>
/// <para>A sheet (read with the ImportExcel module) whose column file holds each structure's path.</para>
/// </example>
/// <example>
/// <code>
/// $gap = @{}; Import-Csv gaps.csv | ForEach-Object { $gap[$_.id] = $_.band_gap }
/// Get-ChildItem cifs/*.cif | Import-Crystal | Select-Object @{ n = 'Crystal'; e = { $_ } }, @{ n = 'band_gap'; e = { $gap[$_.Id] } } |
///     New-CrystalDataset -Target band_gap | Split-CrystalDataset -Seed 0
/// </code>
/// <para>Joins imported crystals to their targets by id, then splits the dataset for training.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "CrystalDataset")]
[OutputType(typeof(CrystalDataset))]
public sealed class NewCrystalDatasetCommand : MoeCmdlet
{
    const string CrystalProperty = "Crystal";

    CrystalDatasetBuilder builder = null!;
    ScriptBlock? structureScript;
    string? structureProperty;
    int rows, failed;

    /// <summary><para type="description">A row: any object with the target property, such as Import-Csv or Import-Excel output, or a Crystal.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject InputObject { get; set; } = null!;

    /// <summary><para type="description">Name of the property holding each row's target value (a number, or text that reads as one).</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Target { get; set; } = "";

    /// <summary><para type="description">Where each row's structure is: the name of a property holding a file path,
    /// FileInfo or Crystal, or a script block computing one from the row ($_). Default: the row itself when it is a
    /// Crystal, else its Crystal property.</para></summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public object? Structure { get; set; }

    /// <summary><para type="description">Name of the property holding each row's id. Default: the structure's own id (a
    /// CIF's data block name, a POSCAR's file name).</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    /// <summary><para type="description">Name of the dataset (default: the target property's name).</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary><para type="description">Name of the target as the dataset shows it and Export-CrystalDataset writes it
    /// (default: the -Target property's name).</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TargetName { get; set; }

    /// <summary><para type="description">Unit of the target, shown with predictions and benchmark results (for example eV or eV/atom).</para></summary>
    [Parameter]
    public string? Unit { get; set; }

    /// <summary><para type="description">Reject (default) refuses structure files with partly occupied sites;
    /// MajoritySpecies keeps the majority element.</para></summary>
    [Parameter]
    public DisorderPolicy Disorder { get; set; } = DisorderPolicy.Reject;

    protected override void BeginProcessing()
    {
        switch (Structure is PSObject wrapped ? wrapped.BaseObject : Structure)
        {
            case null: break;
            case ScriptBlock script: structureScript = script; break;
            case string property: structureProperty = property; break;
            case var other:
                Fail(new ArgumentException($"-Structure takes a property name or a script block, not a {other.GetType().Name}."), other, "StructureParameterInvalid");
                break;
        }
        string targetName = TargetName ?? Target;
        builder = new CrystalDatasetBuilder(Name ?? targetName, targetName, Unit, new StructureReadOptions { Disorder = Disorder, Warn = WriteWarning });
    }

    protected override void ProcessRecord()
    {
        int row = ++rows;
        try
        {
            string? id = Id == null ? null : Text(Property(row, Id), row, Id);
            object? target = Property(row, Target);
            var extras = Extras();
            switch (StructureOf(row))
            {
                case Crystal crystal: builder.AddCrystal(row, crystal, target, id, extras); break;
                case string file: builder.AddFile(row, file, target, id, extras); break;
            }
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            failed++;
            WriteItemError(e, InputObject, "DatasetRowInvalid");
        }
    }

    protected override void EndProcessing()
    {
        if (builder.Count == 0)
        {
            string why = rows == 0 ? "no rows came down the pipeline" : $"all {rows} rows were left out (see the errors above)";
            Fail(new InvalidOperationException($"No dataset: {why}."), null, "DatasetEmpty");
            return;
        }
        var dataset = builder.Build();
        if (failed > 0) WriteWarning($"The dataset '{dataset.Name}' has {dataset.Count} of {rows} rows; {failed} were left out (see the errors above).");
        WarnOfDuplicateIds(dataset);
        WriteVerbose(dataset.ToString());
        WriteObject(dataset);
    }

    /// <summary>The row's structure: a Crystal or a full file path.</summary>
    object StructureOf(int row)
    {
        object? value;
        if (structureScript != null) value = Single(structureScript.InvokeWithContext(null, new List<PSVariable> { new("_", InputObject) }), row);
        else if (structureProperty != null) value = Property(row, structureProperty);
        else if (InputObject.BaseObject is Crystal) value = InputObject.BaseObject;
        else if (InputObject.Properties[CrystalProperty] != null) value = Property(row, CrystalProperty);
        else throw new ArgumentException(
            $"Row {Number(row)} has neither a Crystal nor a Crystal property; name its structure file with -Structure (a property name, or a script block such as {{ \"cifs/$($_.id).cif\" }}).");

        return value switch
        {
            Crystal crystal => crystal,
            FileSystemInfo file => file.FullName,
            string path when !string.IsNullOrWhiteSpace(path) => ResolvePath(path),
            null or string => throw new ArgumentException($"Row {Number(row)}: the structure path is empty."),
            _ => throw new ArgumentException(
                $"Row {Number(row)}: the structure is a {value.GetType().Name} ('{Convert.ToString(value, CultureInfo.InvariantCulture)}'), not a file path or a Crystal."),
        };
    }

    /// <summary>The one value a -Structure script block gave for a row.</summary>
    static object? Single(Collection<PSObject> results, int row) => results.Count switch
    {
        1 => results[0]?.BaseObject,
        0 => throw new ArgumentException($"Row {Number(row)}: the -Structure script block gave nothing."),
        _ => throw new ArgumentException($"Row {Number(row)}: the -Structure script block gave {results.Count} values; it must give one path or Crystal."),
    };

    /// <summary>A property of the current row (unwrapped), or an error naming the row and the properties it has.</summary>
    object? Property(int row, string name)
    {
        var property = InputObject.Properties[name]
            ?? throw new ArgumentException($"Row {Number(row)} has no property '{name}' (it has: {string.Join(", ", InputObject.Properties.Select(p => p.Name))}).");
        return property.Value is PSObject wrapped ? wrapped.BaseObject : property.Value;
    }

    static string Text(object? value, int row, string name) =>
        Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text ? text
        : throw new ArgumentException($"Row {Number(row)}: the id '{name}' is empty.");

    /// <summary>The row's added (note) properties holding text, numbers or booleans, other than the target's and the structure's.</summary>
    Dictionary<string, object?> Extras()
    {
        var extras = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in InputObject.Properties.Where(p => p.MemberType == PSMemberTypes.NoteProperty))
        {
            if (string.Equals(property.Name, Target, StringComparison.OrdinalIgnoreCase)
                || string.Equals(property.Name, structureProperty ?? CrystalProperty, StringComparison.OrdinalIgnoreCase)) continue;
            object? value = property.Value is PSObject wrapped ? wrapped.BaseObject : property.Value;
            if (value is null or string or bool || value is IConvertible c && c.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal)
                extras[property.Name] = value;
        }
        return extras;
    }

    static string Number(int row) => row.ToString(CultureInfo.InvariantCulture);
}
