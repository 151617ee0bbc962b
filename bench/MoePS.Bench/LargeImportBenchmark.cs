using System.Globalization;
using System.Text;
using MoePS.Engine.Crystals;

namespace MoePS.Bench;

/// <summary>
/// Reading one large structure file: rock-salt supercells of n × n × n conventional cells (8n³ atoms) as POSCAR and as
/// P1 CIF, n = 9, 13, 18 (5,832, 17,576 and 46,656 atoms). Reading was quadratic in the atoms (the overlap check and the
/// CIF's merging of symmetry copies compared every pair: 4.5, 28 and 146 s for the POSCARs); per-atom time should now
/// stay flat as the cell grows.
/// </summary>
public sealed class LargeImportBenchmark : IBenchmark
{
    const double Spacing = 5.64; // Å, NaCl's conventional cell

    public string Name => "crystals.large_import";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        string folder = Directory.CreateTempSubdirectory("moeps-bench-import-").FullName;
        try
        {
            foreach (int n in new[] { 9, 13, 18 })
            {
                foreach (var (format, text) in new[] { ("poscar", Poscar(n)), ("cif", Cif(n)) })
                {
                    string path = Path.Combine(folder, format == "poscar" ? $"POSCAR_{n}" : $"nacl_{n}.cif");
                    File.WriteAllText(path, text);
                    int atoms = 0;
                    double seconds = BenchContext.BestOf(2, () => atoms = StructureFile.Read(path).Single().AtomCount);
                    yield return new BenchResult($"crystals.large_import.{format}.{atoms}_atoms.seconds", seconds, "s",
                        $"rock salt {n}x{n}x{n} conventional cells, best of 2, {seconds / atoms * 1e6:F1} µs per atom; load average {MachineState.LoadAverages()}");
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static IEnumerable<(string Element, double X, double Y, double Z)> Atoms(int n)
    {
        var basis = new[] { (0.0, 0.0, 0.0), (0.0, 0.5, 0.5), (0.5, 0.0, 0.5), (0.5, 0.5, 0.0) };
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
        for (int k = 0; k < n; k++)
        foreach (var (x, y, z) in basis)
        {
            yield return ("Na", (i + x) / n, (j + y) / n, (k + z) / n);
            yield return ("Cl", (i + x + 0.5) / n, (j + y) / n, (k + z) / n);
        }
    }

    /// <summary>A POSCAR of rock salt in n × n × n conventional cells (8n³ atoms), Na first.</summary>
    internal static string Poscar(int n)
    {
        double a = Spacing * n;
        var atoms = Atoms(n).OrderBy(t => t.Element == "Cl").ToList();
        var text = new StringBuilder(FormattableString.Invariant($"NaCl {n}x{n}x{n}\n1.0\n{a} 0 0\n0 {a} 0\n0 0 {a}\nNa Cl\n{atoms.Count / 2} {atoms.Count / 2}\nDirect\n"));
        foreach (var t in atoms) text.Append(CultureInfo.InvariantCulture, $"{t.X:R} {t.Y:R} {t.Z:R}\n");
        return text.ToString();
    }

    static string Cif(int n)
    {
        double a = Spacing * n;
        var text = new StringBuilder(FormattableString.Invariant(
            $"data_NaCl_{n}\n_cell_length_a {a}\n_cell_length_b {a}\n_cell_length_c {a}\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"));
        text.Append("_symmetry_space_group_name_H-M 'P 1'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n");
        int index = 0;
        foreach (var t in Atoms(n)) text.Append(CultureInfo.InvariantCulture, $"{t.Element}{index++} {t.Element} {t.X:R} {t.Y:R} {t.Z:R}\n");
        return text.ToString();
    }
}
