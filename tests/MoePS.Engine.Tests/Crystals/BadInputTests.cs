using Xunit;
using System.IO.Compression;
using MoePS.Engine.Crystals;

namespace MoePS.Engine.Tests.Crystals;

/// <summary>Every malformed input gives a <see cref="CrystalFormatException"/> naming the file and the place.</summary>
public class BadInputTests
{
    static CrystalFormatException Fails(string path) =>
        Assert.Throws<CrystalFormatException>(() => StructureFile.Read(path).ToList());

    [Fact]
    public void TruncatedCif()
    {
        using var tmp = new TempFolder();
        var lines = File.ReadAllLines(TestData.PathOf("cgcnn-sample", "1507756.cif"));
        int cut = Array.FindIndex(lines, l => l.StartsWith("ti Ti", StringComparison.Ordinal));
        string path = tmp.Write("cut.cif", string.Join('\n', lines.Take(cut)) + "\nti Ti 0.5000 0.5000");
        var e = Fails(path);
        Assert.Contains("cut.cif:", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Equal(cut + 1, e.Line);
    }

    [Fact]
    public void CifWithoutCell()
    {
        using var tmp = new TempFolder();
        string text = string.Join('\n', File.ReadAllLines(TestData.PathOf("cgcnn-sample", "9011998.cif")).Where(l => !l.StartsWith("_cell_length", StringComparison.Ordinal)));
        var e = Fails(tmp.Write("nocell.cif", text));
        Assert.Contains("nocell.cif", e.Message);
        Assert.Contains("no unit cell", e.Message);
        Assert.NotNull(e.Line);
    }

    [Fact]
    public void UnknownElement()
    {
        using var tmp = new TempFolder();
        string text = File.ReadAllText(TestData.PathOf("cgcnn-sample", "1507756.cif")).Replace("ba Ba 0.0000", "ba Xq 0.0000");
        var e = Fails(tmp.Write("xq.cif", text));
        Assert.Contains("unknown element 'Xq'", e.Message);
        Assert.Matches(@"xq\.cif:\d+:", e.Message);
    }

    [Theory]
    [InlineData("empty.cif")]
    [InlineData("empty.json")]
    [InlineData("POSCAR")]
    public void EmptyFile(string name)
    {
        using var tmp = new TempFolder();
        var e = Fails(tmp.Write(name, ""));
        Assert.Contains(name, e.Message);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void GzipThatIsNot()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("fake.json.gz", "{\"index\": [], \"columns\": [], \"data\": []}");
        var e = Assert.Throws<CrystalFormatException>(() => MatminerDatasetReader.Read(path));
        Assert.Contains("fake.json.gz", e.Message);
        Assert.Contains("not gzip", e.Message);
    }

    [Fact]
    public void CorruptGzip()
    {
        using var tmp = new TempFolder();
        var bytes = File.ReadAllBytes(TestData.PathOf("tasks", "jarvis_2d_gap_tbmbj.json.gz"));
        string path = Path.Combine(tmp.Path, "broken.json.gz");
        File.WriteAllBytes(path, bytes.Take(bytes.Length / 2).ToArray());
        var e = Assert.Throws<CrystalFormatException>(() => MatminerDatasetReader.Read(path));
        Assert.Contains("broken.json.gz", e.Message);
    }

    [Fact]
    public void JsonWithAMissingColumn()
    {
        using var tmp = new TempFolder();
        string noStructure = tmp.Write("a.json", """{"index": [0], "columns": ["formula", "y"], "data": [["NaCl", 1.0]]}""");
        var e = Assert.Throws<CrystalFormatException>(() => MatminerDatasetReader.Read(noStructure));
        Assert.Contains("a.json", e.Message);
        Assert.Contains("$.columns: missing column 'structure'", e.Message);

        string shortRow = tmp.Write("b.json", $$"""{"index": [0, 1], "columns": ["structure", "y"], "data": [[{{PymatgenJson.Cubic("Na", 4)}}, 1.0], [{{PymatgenJson.Cubic("K", 5)}}]]}""");
        e = Assert.Throws<CrystalFormatException>(() => MatminerDatasetReader.Read(shortRow));
        Assert.Contains("$.data[1]", e.Message);

        e = Assert.Throws<CrystalFormatException>(() => MatminerDatasetReader.Read(shortRow, new DatasetReadOptions { Target = "band_gap" }));
        Assert.Contains("missing target column 'band_gap'", e.Message);
    }

    [Fact]
    public void ZeroVolumeLattice()
    {
        using var tmp = new TempFolder();
        string flat = PymatgenJson.Cubic("Na", 4).Replace("[0, 0, 4]", "[0, 0, 0]");
        var e = Assert.Throws<CrystalFormatException>(() => MatminerDatasetReader.Read(
            tmp.Write("flat.json", $$"""{"index": [0], "columns": ["structure", "y"], "data": [[{{flat}}, 1.0]]}""")));
        Assert.Contains("flat.json", e.Message);
        Assert.Contains("$.data[0][0].lattice", e.Message);
        Assert.Contains("zero", e.Message);

        string poscar = tmp.Write("POSCAR", "flat\n1\n1 0 0\n0 1 0\n1 1 0\nNa\n1\nDirect\n0 0 0\n");
        Assert.Contains("zero", Fails(poscar).Message);
    }

    [Theory]
    [InlineData("_cell_length_a", "-5.0", "a cell length must be positive")]
    [InlineData("_cell_length_c", "0", "a cell length must be positive")]
    [InlineData("_cell_angle_beta", "-90", "a cell angle must lie strictly between 0 and 180 degrees")]
    public void CifWithANegativeCellLengthOrAngle(string tag, string value, string why)
    {
        using var tmp = new TempFolder();
        var lines = File.ReadAllLines(TestData.PathOf("cgcnn-sample", "9011998.cif"));
        int at = Array.FindIndex(lines, l => l.StartsWith(tag + " ", StringComparison.Ordinal));
        lines[at] = $"{tag} {value}";
        var e = Fails(tmp.Write("bad-cell.cif", string.Join('\n', lines)));
        Assert.Equal(at + 1, e.Line);
        Assert.Contains($"bad-cell.cif:{at + 1}: data_9011998: {tag} is {value}; {why}", e.Message);
    }

    [Fact]
    public void CifWithAnglesNoCellHas()
    {
        using var tmp = new TempFolder();
        string text = File.ReadAllText(TestData.PathOf("cgcnn-sample", "9011998.cif"));
        foreach (var (tag, angle) in new[] { ("_cell_angle_alpha", "30"), ("_cell_angle_beta", "30"), ("_cell_angle_gamma", "120") })
            text = System.Text.RegularExpressions.Regex.Replace(text, $@"(?m)^{tag}\s+\S+", $"{tag} {angle}");
        var e = Fails(tmp.Write("angles.cif", text));
        Assert.Contains("angles.cif", e.Message);
        Assert.Contains("no cell has the angles alpha = 30°, beta = 30°, gamma = 120°", e.Message);
    }

    [Fact]
    public void CifWhoseAnglesGiveAFlatCellIsReportedAsZeroVolumeWithTheLine()
    {
        using var tmp = new TempFolder();
        var lines = File.ReadAllLines(TestData.PathOf("cgcnn-sample", "9011998.cif"));
        int alpha = Array.FindIndex(lines, l => l.StartsWith("_cell_angle_alpha ", StringComparison.Ordinal));
        foreach (var tag in new[] { "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma" })
            lines[Array.FindIndex(lines, l => l.StartsWith(tag + " ", StringComparison.Ordinal))] = $"{tag} 120";
        var e = Fails(tmp.Write("flat.cif", string.Join('\n', lines)));
        Assert.Equal(alpha + 1, e.Line);
        Assert.Contains($"flat.cif:{alpha + 1}: data_9011998: the cell angles alpha = 120°, beta = 120°, gamma = 120° give a cell of zero volume", e.Message);
        Assert.DoesNotContain("overlapping", e.Message);
    }

    [Theory]
    [InlineData(-5.0, 4.0, 4.0, 90.0, 90.0, 90.0, "the cell length a is -5 Å")]
    [InlineData(4.0, 4.0, 4.0, 60.0, 60.0, 120.0, "give a cell of zero volume")]
    [InlineData(4.0, 4.0, 4.0, 90.0, 180.0, 90.0, "the cell angle beta is 180°")]
    [InlineData(4.0, 4.0, 4.0, 100.0, 100.0, 170.0, "no cell has the angles")]
    public void LatticeParametersThatDescribeNoCell(double a, double b, double c, double alpha, double beta, double gamma, string message)
    {
        var e = Assert.Throws<CrystalFormatException>(() => Lattice.FromParameters(a, b, c, alpha, beta, gamma));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void PoscarWithANegativePerAxisScale()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("POSCAR", "flipped\n-1.0 1.0 1.0\n5.43 0 0\n0 5.43 0\n0 0 5.43\nSi\n2\nDirect\n0 0 0\n0.25 0.25 0.25\n");
        var e = Fails(path);
        Assert.Equal(2, e.Line);
        Assert.Contains("scale factors -1 1 1 must all be positive", e.Message);

        // One negative number is VASP's target volume, not a flip.
        var c = PoscarReader.Read(tmp.Write("POSCAR_volume", "volume\n-40.0\n5.43 0 0\n0 5.43 0\n0 0 5.43\nSi\n2\nDirect\n0 0 0\n0.25 0.25 0.25\n"));
        Assert.Equal(40.0, c.Lattice.Volume, 9);
    }

    [Fact]
    public void OverlappingAtoms()
    {
        using var tmp = new TempFolder();
        string poscar = tmp.Write("POSCAR", "two on one spot\n1\n4 0 0\n0 4 0\n0 0 4\nNa Cl\n1 1\nCartesian\n0 0 0\n0.1 0 0\n");
        var e = Fails(poscar);
        Assert.Contains("overlapping atoms", e.Message);
        Assert.Contains("0.1 Å", e.Message);

        string xyz = tmp.Write("w.xyz", "2\nLattice=\"4 0 0 0 4 0 0 0 4\"\nNa 0 0 0\nCl 3.9 0 0\n");
        Assert.Contains("overlapping atoms", Fails(xyz).Message); // only 0.1 Å apart across the boundary
    }

    [Fact]
    public void TruncatedJson()
    {
        using var tmp = new TempFolder();
        string path = Path.Combine(tmp.Path, "cut.json.gz");
        using (var src = new GZipStream(File.OpenRead(TestData.PathOf("tasks", "jarvis_2d_gap_tbmbj.json.gz")), CompressionMode.Decompress))
        using (var ms = new MemoryStream())
        {
            src.CopyTo(ms);
            using var dst = new GZipStream(File.Create(path), CompressionLevel.Fastest);
            dst.Write(ms.ToArray(), 0, (int)ms.Length / 2);
        }
        var e = Assert.Throws<CrystalFormatException>(() => MatminerDatasetReader.Read(path));
        Assert.Contains("cut.json.gz", e.Message);
        Assert.Contains("$.data", e.Message);
    }
}
