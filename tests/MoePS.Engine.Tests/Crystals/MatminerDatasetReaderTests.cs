using Xunit;
using System.Diagnostics;
using MoePS.Engine.Crystals;

namespace MoePS.Engine.Tests.Crystals;

public class MatminerDatasetReaderTests
{
    [Fact]
    public void ReadsExptEformWithTargetsIdsAndUnitQuickly()
    {
        var watch = Stopwatch.StartNew();
        var (ds, skipped) = MatminerDatasetReader.Read(TestData.PathOf("tasks", "expt_eform.json.gz"));
        watch.Stop();
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
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"reading took {watch.Elapsed}");
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
