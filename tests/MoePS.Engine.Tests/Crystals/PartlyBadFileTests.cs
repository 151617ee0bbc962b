using MoePS.Engine.Crystals;
using MoePS.Engine.Tests.Models;
using Xunit;

namespace MoePS.Engine.Tests.Crystals;

/// <summary>A file of several structures with one bad block or frame keeps the good ones and names the bad one.</summary>
public sealed class PartlyBadFileTests : IDisposable
{
    readonly TempFolder tmp = new();

    public void Dispose() => tmp.Dispose();

    static string CubicBlock(string name, double a, string element) => $"""
        data_{name}
        _cell_length_a {a}
        _cell_length_b {a}
        _cell_length_c {a}
        _cell_angle_alpha 90
        _cell_angle_beta 90
        _cell_angle_gamma 90
        loop_
        _atom_site_label
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        {element}1 0 0 0

        """;

    [Fact]
    public void ACifWithOneBadBlockKeepsTheOthers()
    {
        string path = tmp.Write("three.cif", CubicBlock("good1", 4, "Na") + CubicBlock("bad", -4, "Na") + CubicBlock("good2", 5, "K"));

        var read = StructureFile.ReadEach(path);
        Assert.Equal(new[] { "good1", "good2" }, read.Crystals.Select(c => c.Id));
        var error = Assert.Single(read.Errors);
        Assert.Equal(15, error.Line);
        Assert.Contains($"{path}:15: data_bad: _cell_length_a is -4; a cell length must be positive.", error.Message);
        // The reader that promises every structure still refuses the file.
        Assert.Equal(error.Message, Assert.Throws<CrystalFormatException>(() => StructureFile.Read(path).ToList()).Message);
    }

    [Fact]
    public void AnXyzWithOneBadFrameKeepsTheOthersUnderTheirFrameNumbers()
    {
        const string text = """
            1
            Lattice="4 0 0 0 4 0 0 0 4"
            Na 0 0 0
            1
            Lattice="4 0 0 0 4 0 0 0 4"
            Xx 0 0 0
            1
            Lattice="5 0 0 0 5 0 0 0 5"
            K 0 0 0
            """;
        string path = tmp.Write("traj.xyz", text);

        var read = StructureFile.ReadEach(path);
        Assert.Equal(new[] { "traj#0", "traj#2" }, read.Crystals.Select(c => c.Id));
        var error = Assert.Single(read.Errors);
        Assert.Equal(6, error.Line);
        Assert.Contains("unknown element 'Xx'", error.Message);
    }

    [Fact]
    public void AnXyzFrameWhoseAtomCountCannotBeReadEndsTheFileAfterTheGoodFrames()
    {
        string path = tmp.Write("cut.xyz", "1\nLattice=\"4 0 0 0 4 0 0 0 4\"\nNa 0 0 0\nmany\nLattice=\"4 0 0 0 4 0 0 0 4\"\nNa 0 0 0\n");
        var read = StructureFile.ReadEach(path);
        Assert.Equal("cut#0", Assert.Single(read.Crystals).Id);
        Assert.Contains("expected the number of atoms, found 'many'", Assert.Single(read.Errors).Message);
    }
}
