using System.Management.Automation;
using MoePS.Engine.Crystals;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Imports crystal structures from CIF, POSCAR/CONTCAR, extended XYZ or pymatgen/Matminer JSON files, one Crystal per structure.</para>
/// <para type="description">The format is chosen by extension (.cif, .vasp, .xyz, .json, optionally .gz), by name
/// (POSCAR*, CONTCAR*) or by content. CIF symmetry operations are applied and duplicate positions merged; every CIF
/// data block, XYZ frame or dataset row gives one Crystal. Crystals stream out as each file is read; a bad file is
/// reported as a non-terminating error naming the file and line, and the remaining files are still imported.</para>
/// </summary>
/// <example>
/// <code>Get-ChildItem ./structures -Filter *.cif | Import-Crystal</code>
/// <para>Imports every CIF file of a folder; a file that cannot be read is reported and skipped.</para>
/// </example>
/// <example>
/// <code>Import-Crystal ./CONTCAR -Species Fe,O</code>
/// <para>Reads a VASP 4 CONTCAR, which has no species line: its two counts are Fe and O atoms.</para>
/// </example>
/// <example>
/// <code>Import-Crystal ./alloys/*.cif -Disorder MajoritySpecies</code>
/// <para>Imports CIF files with partly occupied sites, keeping the majority element on each site.</para>
/// </example>
[Cmdlet(VerbsData.Import, "Crystal")]
[OutputType(typeof(Crystal))]
public sealed class ImportCrystalCommand : MoeCmdlet
{
    /// <summary><para type="description">Structure files. Wildcards allowed; accepts Get-ChildItem output.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Reject (default) refuses partly occupied sites; MajoritySpecies keeps the majority element.</para></summary>
    [Parameter]
    public DisorderPolicy Disorder { get; set; } = DisorderPolicy.Reject;

    /// <summary><para type="description">Element symbols for VASP 4 POSCAR files, which have no species line, in the order of their counts.</para></summary>
    [Parameter]
    public string[]? Species { get; set; }

    protected override void ProcessRecord()
    {
        var options = new StructureReadOptions { Disorder = Disorder, Species = Species, Warn = WriteWarning };
        foreach (var path in Path)
        {
            IReadOnlyList<string> files;
            try { files = ProviderPaths.Resolve(this, path); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, path, "StructurePathNotFound"); continue; }
            foreach (var file in files)
            {
                StructuresRead read;
                try { read = StructureFile.ReadEach(file, options); }
                catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, file, "StructureImportFailed"); continue; }
                foreach (var crystal in read.Crystals) WriteObject(crystal);
                foreach (var error in read.Errors) WriteItemError(error, file, "StructureImportFailed");
            }
        }
    }
}
