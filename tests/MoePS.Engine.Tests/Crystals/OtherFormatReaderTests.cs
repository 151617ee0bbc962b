using Xunit;
using MoePS.Engine.Crystals;

namespace MoePS.Engine.Tests.Crystals;

public class OtherFormatReaderTests
{
    const string RocksaltDirect = """
        NaCl rocksalt
        1.0
        5.64 0 0
        0 5.64 0
        0 0 5.64
        Na Cl
        4 4
        Direct
        0 0 0
        0 0.5 0.5
        0.5 0 0.5
        0.5 0.5 0
        0.5 0.5 0.5
        0.5 0 0
        0 0.5 0
        0 0 0.5
        """;

    [Fact]
    public void ReadsVasp5DirectPoscar()
    {
        using var tmp = new TempFolder();
        var c = PoscarReader.Read(tmp.Write("POSCAR", RocksaltDirect));
        Assert.Equal("POSCAR", c.Id);
        Assert.Equal(8, c.AtomCount);
        Assert.Equal("NaCl", c.Formula);
        Assert.Equal(5.64, c.Lattice.A, 12);
        Assert.Equal(2.82, c.Sites[1].Cartesian[1], 12);
    }

    [Fact]
    public void ReadsCartesianSelectiveDynamicsAndNegativeScaleAsVolume()
    {
        const string text = """
            CsCl, volume 64 Å³ requested by a negative scale
            -64
            1 0 0
            0 1 0
            0 0 1
            Cs_sv Cl
            1 1
            Selective dynamics
            Cartesian
            0 0 0 F F F
            0.5 0.5 0.5 T T T
            """;
        using var tmp = new TempFolder();
        var c = PoscarReader.Read(tmp.Write("CsCl.vasp", text));
        Assert.Equal(64, c.Lattice.Volume, 9);
        Assert.Equal(4.0, c.Lattice.A, 12);
        Assert.Equal(new[] { 0.5, 0.5, 0.5 }, c.Sites[1].Fractional.Select(x => Math.Round(x, 12)));
        Assert.Equal("CsCl", c.Formula);
    }

    [Fact]
    public void Vasp4PoscarNeedsSpecies()
    {
        string vasp4 = string.Join('\n', RocksaltDirect.Split('\n').Where(l => l.Trim() != "Na Cl"));
        using var tmp = new TempFolder();
        string path = tmp.Write("CONTCAR", vasp4);
        var e = Assert.Throws<CrystalFormatException>(() => PoscarReader.Read(path));
        Assert.Contains("VASP 4", e.Message);
        Assert.Contains("CONTCAR:6", e.Message);
        var c = PoscarReader.Read(path, new StructureReadOptions { Species = new[] { "Na", "Cl" } });
        Assert.Equal("NaCl", c.Formula);
    }

    [Fact]
    public void ReadsExtendedXyzFrames()
    {
        const string text = """
            2
            Lattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3:forces:R:3 energy=-3.5 pbc="T T T"
            Cs 0 0 0 0 0 0
            Cl 2 2 2 0 0 0
            1
            Lattice="3 0 0 0 3 0 0 0 3" Properties=species:S:1:pos:R:3 energy=-1.25
            Po 0 0 0
            """;
        using var tmp = new TempFolder();
        var frames = ExtendedXyzReader.Read(tmp.Write("traj.xyz", text));
        Assert.Equal(2, frames.Count);
        Assert.Equal("traj#0", frames[0].Id);
        Assert.Equal("CsCl", frames[0].Formula);
        Assert.Equal(0.5, frames[0].Sites[1].Fractional[2], 12);
        Assert.Equal(-3.5, (double)frames[0].Properties["energy"]!);
        Assert.Equal("Po", frames[1].Formula);
        Assert.Equal(27, frames[1].Lattice.Volume, 9);
    }

    [Fact]
    public void StructureFileDetectsFormats()
    {
        using var tmp = new TempFolder();
        Assert.Equal(StructureFile.Format.Poscar, StructureFile.Detect(tmp.Write("CONTCAR_relaxed", RocksaltDirect)));
        Assert.Equal(StructureFile.Format.Poscar, StructureFile.Detect(tmp.Write("noextension", RocksaltDirect)));
        Assert.Equal(StructureFile.Format.Cif, StructureFile.Detect(TestData.PathOf("cgcnn-sample", "1000041.cif")));
        Assert.Equal(StructureFile.Format.Json, StructureFile.Detect(TestData.PathOf("tasks", "expt_eform.json.gz")));
        var single = StructureFile.Read(tmp.Write("na.json", PymatgenJson.Cubic("Na", 4.2))).Single();
        Assert.Equal("na", single.Id);
        Assert.Equal(120, StructureFile.Read(TestData.PathOf("tasks", "jarvis_2d_gap_tbmbj.json.gz")).Count());
    }

    [Fact]
    public void ReadsTheCgcnnSampleFolder()
    {
        var (ds, skipped) = DatasetFile.Read(TestData.PathOf("cgcnn-sample"));
        Assert.Equal(0, skipped);
        Assert.Equal(10, ds.Count);
        Assert.Equal("cgcnn-sample", ds.Name);
        Assert.Equal("1000041", ds.Entries[0].Crystal.Id);
        Assert.Equal(1.0, ds.Entries[0].Target);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (double)i), ds.Entries.Select(e => e.Target));
    }

    [Fact]
    public void CgcnnFolderSkipsMissingTargetsAndNamesMissingFiles()
    {
        using var tmp = new TempFolder();
        File.Copy(TestData.PathOf("cgcnn-sample", "9011998.cif"), Path.Combine(tmp.Path, "si.cif"));
        tmp.Write("id_prop.csv", "cif_id,target\nsi,2.5\nsi,nan\n");
        var (ds, skipped) = CgcnnFolderReader.Read(tmp.Path);
        Assert.Equal(1, skipped);
        Assert.Equal("si", Assert.Single(ds.Entries).Crystal.Id);

        tmp.Write("id_prop.csv", "si,1\nge,2\n");
        var e = Assert.Throws<CrystalFormatException>(() => CgcnnFolderReader.Read(tmp.Path));
        Assert.Contains("id_prop.csv:2", e.Message);
        Assert.Contains("ge.cif", e.Message);
    }
}
