using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;

namespace MoePS.Engine.Tests.Mixture;

/// <summary>Real extractors and a small real task (jarvis_2d_gap_tbmbj, 120 rows, seed-0 split), loaded once.</summary>
public sealed class MixtureFixture
{
    public MixtureFixture()
    {
        TorchRuntime.EnsureLoaded();
        Environment.SetEnvironmentVariable(DataLocations.DataPathVariable, TestData.Folder);
        Extractors = new[] { "mp_eform", "mp_bandgap", "jarvis_eform", "castelli_eform", "mp_gvrh" }
            .Select(n => ExtractorLibrary.Load(n)).ToArray();
        var ds = DatasetFile.Read(TestData.PathOf("tasks", "jarvis_2d_gap_tbmbj.json.gz")).Dataset;
        Dataset = ds.WithSplit(SplitFile.Read(TestData.PathOf("splits", "seed0.json"), "jarvis_2d_gap_tbmbj"));
        Crystals = Dataset.Entries.Select(e => e.Crystal).ToList();
        Ids = Crystals.Select(c => c.Id).ToList();
        Graphs = GraphBatchBuilder.BuildAll(Crystals, GraphSettings.Default);
    }

    public Extractor[] Extractors { get; }
    public CrystalDataset Dataset { get; }
    public IReadOnlyList<Crystal> Crystals { get; }
    public IReadOnlyList<string> Ids { get; }
    public IReadOnlyList<CrystalGraph> Graphs { get; }
    /// <summary>All the crystals as a model takes them.</summary>
    public CrystalInputs Inputs => new(Crystals);
    /// <summary>The crystals at <paramref name="rows"/> as a model takes them.</summary>
    public CrystalInputs InputsOf(IEnumerable<int> rows) => new(rows.Select(r => Crystals[r]).ToList());
    public ComputeDevice Cpu { get; } = ComputeDevice.Parse("cpu");
}
