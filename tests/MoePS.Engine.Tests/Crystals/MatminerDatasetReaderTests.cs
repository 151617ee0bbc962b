using Xunit;
using MoePS.Engine.Crystals;

namespace MoePS.Engine.Tests.Crystals;

public class MatminerDatasetReaderTests
{
    [Fact]
    public void ReadsExptEformWithTargetsIdsAndUnit()
    {
        var (ds, skipped) = MatminerDatasetReader.Read(TestData.PathOf("tasks", "expt_eform.json.gz"));
        Assert.Equal(1709, ds.Count);
        Assert.Equal(0, skipped);
        Assert.Equal("expt_eform", ds.Name);
        Assert.Equal("e_form expt", ds.TargetName);
        Assert.Equal("eV/atom", ds.Unit);
        Assert.Equal(22719, ds.Entries.Sum(e => e.Crystal.AtomCount));
        Assert.Equal(-4.48928340160996, ds.Entries.Min(e => e.Target), 12);
        Assert.Equal(0.16478359611884355, ds.Entries.Max(e => e.Target), 12);
        Assert.StartsWith("mp-", ds.Entries[0].Crystal.Id);
        Assert.Equal(ds.Entries[0].Crystal.Id, ds.Entries[0].Extras["mpid"]);
        Assert.Equal(ds.Entries[0].Target, (double)ds.Entries[0].Crystal.Properties["Target"]!);
    }

    [Fact]
    public void ReadsJarvisGapWithDefaultTarget()
    {
        var (ds, _) = MatminerDatasetReader.Read(TestData.PathOf("tasks", "jarvis_2d_gap_tbmbj.json.gz"));
        Assert.Equal(120, ds.Count);
        Assert.Equal("gap tbmbj", ds.TargetName);
        Assert.Equal("eV", ds.Unit);
        Assert.All(ds.Entries, e => Assert.True(e.HasTarget));
    }

    [Fact]
    public void KeepsExtraColumnsAndAcceptsAnExplicitTarget()
    {
        var (ds, _) = MatminerDatasetReader.Read(TestData.PathOf("tasks", "mp_eps_total.json.gz"), new DatasetReadOptions { Target = "eps_total" });
        Assert.Equal("eps_total", ds.TargetName);
        var first = ds.Entries[0];
        Assert.Equal(Math.Log(first.Target), (double)first.Extras["log_eps_total"]!, 9);
    }

    [Fact]
    public void SkipsAndCountsRowsWithMissingTargets()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("small.json", $$"""
            {"index": [0, 1, 2], "columns": ["structure", "y", "mpid"],
             "data": [[{{PymatgenJson.Cubic("Na", 4.0)}}, 1.5, "mp-1"],
                      [{{PymatgenJson.Cubic("K", 5.0)}}, null, "mp-2"],
                      [{{PymatgenJson.Cubic("Cs", 6.0)}}, "NaN", "mp-3"]]}
            """);
        var (ds, skipped) = MatminerDatasetReader.Read(path);
        Assert.Equal(2, skipped);
        Assert.Single(ds.Entries);
        Assert.Equal("mp-1", ds.Entries[0].Crystal.Id);
        Assert.Equal("y", ds.TargetName);
        Assert.Null(ds.Unit);
    }

    /// <summary>Python's json.dumps writes NaN and ±Infinity as bare tokens; the help promises those rows are skipped.</summary>
    [Fact]
    public void SkipsRowsWithPythonNaNAndInfinityLiterals()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("python.json", $$"""
            {"index": [0, 1, 2, 3], "columns": ["structure", "y", "n"],
             "data": [[{{PymatgenJson.Cubic("Na", 4.0)}}, NaN, 1.0],
                      [{{PymatgenJson.Cubic("K", 5.0)}}, Infinity, 2.0],
                      [{{PymatgenJson.Cubic("Cs", 6.0)}}, -Infinity, 3.0],
                      [{{PymatgenJson.Cubic("Rb", 5.5)}}, 0.25, NaN]]}
            """);
        var (ds, skipped) = MatminerDatasetReader.Read(path);
        Assert.Equal(3, skipped);
        Assert.Equal("y", ds.TargetName);
        Assert.Equal("3", Assert.Single(ds.Entries).Crystal.Id);
        Assert.Equal(0.25, ds.Entries[0].Target);
        Assert.True(double.IsNaN((double)ds.Entries[0].Extras["n"]!));
    }

    [Fact]
    public void ATextTargetNamesTheColumnTheValueAndTheRow()
    {
        using var tmp = new TempFolder();
        string firstRow = tmp.Write("first.json", $$"""
            {"index": [0], "columns": ["structure", "band_gap"], "data": [[{{PymatgenJson.Cubic("Na", 4.0)}}, "metallic"]]}
            """);
        var e = Assert.Throws<CrystalFormatException>(() => MatminerDatasetReader.Read(firstRow));
        Assert.Contains("first.json", e.Message);
        Assert.Contains("no numeric target column in row 0, column 'band_gap' holds 'metallic'", e.Message);

        string laterRow = tmp.Write("later.json", $$"""
            {"index": [0, 1], "columns": ["structure", "band_gap"],
             "data": [[{{PymatgenJson.Cubic("Na", 4.0)}}, 1.5], [{{PymatgenJson.Cubic("K", 5.0)}}, "n/a"]]}
            """);
        e = Assert.Throws<CrystalFormatException>(() => MatminerDatasetReader.Read(laterRow));
        Assert.Contains("$.data[1][1]: the target column 'band_gap' holds 'n/a' in row 1, not a number", e.Message);
    }

    [Fact]
    public void AMissingFirstTargetStillPicksItsColumn()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("gap.json", $$"""
            {"index": [0, 1], "columns": ["structure", "band_gap"],
             "data": [[{{PymatgenJson.Cubic("Na", 4.0)}}, null], [{{PymatgenJson.Cubic("K", 5.0)}}, 2.5]]}
            """);
        var (ds, skipped) = MatminerDatasetReader.Read(path);
        Assert.Equal((1, "band_gap", 2.5), (skipped, ds.TargetName, Assert.Single(ds.Entries).Target));
    }

    [Fact]
    public void UsesTheIndexAsIdWhenThereIsNoIdColumnAndReadsColumnsAfterData()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("b.json", $$"""
            {"data": [[{{PymatgenJson.Cubic("Na", 4.0)}}, true]], "index": ["mb-001"], "columns": ["structure", "is_metal"]}
            """);
        var (ds, _) = MatminerDatasetReader.Read(path);
        Assert.Equal("mb-001", ds.Entries[0].Crystal.Id);
        Assert.Equal(1.0, ds.Entries[0].Target);
    }
}

/// <summary>Small pymatgen Structure.as_dict() texts for tests.</summary>
public static class PymatgenJson
{
    public static string Cubic(string element, double a, double occupancy = 1) => $$"""
        {"@module": "pymatgen.core.structure", "@class": "Structure", "charge": 0,
         "lattice": {"matrix": [[{{a}}, 0, 0], [0, {{a}}, 0], [0, 0, {{a}}]]},
         "sites": [{"species": [{"element": "{{element}}", "occu": {{occupancy}}}], "abc": [0, 0, 0], "label": "{{element}}"}]}
        """;
}
