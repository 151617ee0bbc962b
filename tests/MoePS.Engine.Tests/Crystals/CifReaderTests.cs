using Xunit;
using MoePS.Engine.Crystals;

namespace MoePS.Engine.Tests.Crystals;

public class CifReaderTests
{
    // Atom counts follow from the space group and Z (e.g. NaCl Fm-3m, Z = 4 → 8 atoms; graphite Fmmm from
    // its diffraction density 2.281 g/cm³ in 69.959 Å³ → 8 C); shortest distances are textbook values.
    [Theory]
    [InlineData("1000041", "NaCl", 8, 2.810)]   // a/2
    [InlineData("1000050", "KCl", 2, 3.147)]    // a·√3/2, CsCl-type
    [InlineData("1101051", "ZnS", 4, 2.341)]    // wurtzite Zn–S bond along c
    [InlineData("1507756", "BaTiO3", 5, 1.872)] // Ti–O apical (0.482 − 0.016)·c
    [InlineData("7206075", "TiO2", 12, 1.934)]  // anatase
    [InlineData("9000046", "C", 8, 1.418)]      // graphite in-plane
    [InlineData("9009743", "CsCl", 2, 3.564)]   // a·√3/2
    [InlineData("9011050", "Ge", 8, 2.450)]     // a·√3/4
    [InlineData("9011998", "Si", 8, 2.352)]
    [InlineData("9012304", "C", 8, 1.544)]
    public void ReadsTheSampleCodFiles(string id, string formula, int atoms, double nearest)
    {
        var crystals = CifReader.Read(TestData.PathOf("cgcnn-sample", id + ".cif"));
        var c = Assert.Single(crystals);
        Assert.Equal(id, c.Id);
        Assert.Equal(formula, Normalise(c.Formula, formula));
        Assert.Equal(atoms, c.AtomCount);
        double shortest = double.MaxValue;
        for (int i = 0; i < c.AtomCount; i++)
        for (int j = 0; j < c.AtomCount; j++)
            shortest = Math.Min(shortest, PeriodicGeometry.Distance(c.Lattice, c.Sites[i].Fractional, c.Sites[j].Fractional, excludeZeroImage: i == j));
        Assert.Equal(nearest, shortest, 2);
    }

    [Fact]
    public void HandlesUncertaintiesQuotesTextFieldsCommentsAnyColumnOrderAndSeveralBlocks()
    {
        const string cif = """
            # two blocks, the second with columns in another order
            data_first
            _publ_section_title
            ;
             A text field with 'quotes' and data_ inside
            ;
            _cell_length_a 5.4307(2)
            _cell_length_b 5.4307(2)
            _cell_length_c 5.4307(2)
            _cell_angle_alpha 90
            _cell_angle_beta 90.0(1)
            _cell_angle_gamma 90
            _symmetry_space_group_name_H-M 'P 1'
            loop_
            _atom_site_label
            _atom_site_fract_x
            _atom_site_fract_y
            _atom_site_fract_z
            Si1 0 0 0   # a comment
            Si2 0.5(1) 0.5 0.5
            data_second
            _cell_length_a 4
            _cell_length_b 4
            _cell_length_c 4
            _cell_angle_alpha 90
            _cell_angle_beta 90
            _cell_angle_gamma 90
            loop_
            _space_group_symop_operation_xyz
            'x, y, z'
            '-x, -y, -z'
            loop_
            _atom_site_fract_z
            _atom_site_occupancy
            _atom_site_type_symbol
            _atom_site_fract_y
            _atom_site_label
            _atom_site_fract_x
            0.25 1.0 "Fe2+" 0.25 Fe1 0.25
            """;
        var crystals = CifReader.Parse(cif, "test.cif", StructureReadOptions.Default);
        Assert.Equal(2, crystals.Count);
        Assert.Equal("first", crystals[0].Id);
        Assert.Equal(5.4307, crystals[0].Lattice.A, 10);
        Assert.Equal(2, crystals[0].AtomCount);
        Assert.Equal("second", crystals[1].Id);
        Assert.Equal("Fe", crystals[1].Formula);
        Assert.Equal(2, crystals[1].AtomCount); // (¼,¼,¼) and its inverse (¾,¾,¾)
    }

    [Fact]
    public void MergesPositionsThatSymmetryGeneratesTwiceDespiteRounding()
    {
        // 1/3 written as 0.3333: the 6-fold operations map it onto itself only within rounding.
        var c = CifReader.Read(TestData.PathOf("cgcnn-sample", "1101051.cif"))[0];
        Assert.Equal(4, c.AtomCount);
    }

    [Fact]
    public void RejectsDisorderedSitesByDefaultNamingFileAndSite()
    {
        var e = Assert.Throws<CrystalFormatException>(() => CifReader.Parse(DisorderedCif, "alloy.cif", StructureReadOptions.Default));
        Assert.Contains("alloy.cif", e.Message);
        Assert.Contains("Cu1/Au1", e.Message);
        Assert.Contains("disordered", e.Message);
    }

    [Fact]
    public void MajoritySpeciesKeepsTheLargestOccupancy()
    {
        var c = CifReader.Parse(DisorderedCif, "alloy.cif", new StructureReadOptions { Disorder = DisorderPolicy.MajoritySpecies })[0];
        Assert.Equal(1, c.AtomCount);
        Assert.Equal("Cu", c.Sites[0].Element.Symbol);
    }

    [Fact]
    public void MajoritySpeciesWarnsOnATieAndOnlyOnATie()
    {
        var warnings = new List<string>();
        var options = new StructureReadOptions { Disorder = DisorderPolicy.MajoritySpecies, Warn = warnings.Add };
        var tie = CifReader.Parse(DisorderedCif.Replace("0.75", "0.5").Replace("0.25", "0.5"), "alloy.cif", options)[0];
        Assert.Equal("Cu", tie.Sites[0].Element.Symbol);
        Assert.Equal("alloy.cif:15: data_alloy, site Cu1/Au1: Cu, Au tie for the majority (occupancy 0.5); -Disorder MajoritySpecies kept Cu, the first listed.",
            Assert.Single(warnings));

        warnings.Clear();
        CifReader.Parse(DisorderedCif, "alloy.cif", options);
        Assert.Empty(warnings);
    }

    [Fact]
    public void RefusesASpaceGroupWithoutListedOperations()
    {
        string text = DisorderedCif.Replace("loop_", "_symmetry_space_group_name_H-M 'F m -3 m'\nloop_");
        var e = Assert.Throws<CrystalFormatException>(() => CifReader.Parse(text, "fm3m.cif", StructureReadOptions.Default));
        Assert.Contains("symmetry operations are not listed", e.Message);
    }

    const string DisorderedCif = """
        data_alloy
        _cell_length_a 3.6
        _cell_length_b 3.6
        _cell_length_c 3.6
        _cell_angle_alpha 90
        _cell_angle_beta 90
        _cell_angle_gamma 90
        loop_
        _atom_site_label
        _atom_site_type_symbol
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        _atom_site_occupancy
        Cu1 Cu 0 0 0 0.75
        Au1 Au 0 0 0 0.25
        """;

    /// <summary>Compares formulas whatever the element order of the file.</summary>
    static string Normalise(string actual, string expected) =>
        string.Concat(actual.OrderBy(ch => ch)) == string.Concat(expected.OrderBy(ch => ch)) ? expected : actual;
}
