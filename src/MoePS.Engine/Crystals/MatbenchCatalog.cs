namespace MoePS.Engine.Crystals;

/// <summary>
/// The Matbench v0.1 datasets. URLs and SHA-256 hashes are those of matminer's
/// matminer/datasets/dataset_metadata.json (hackingmaterials/matminer, commit 9c9451f79199ede470b6c865a510e62a4ebaf496);
/// units as documented by Matbench. Four sets are composition-only: they download, but cannot become crystals.
/// </summary>
public static class MatbenchCatalog
{
    const string Base = "https://ml.materialsproject.org/projects/";

    public static IReadOnlyList<DatasetSource> All { get; } = new[]
    {
        Entry("matbench_dielectric", "83befa09bc2ec2f4b6143afc413157827a90e5e2e42c1eb507ccfa01bf26a1d6", "unitless"),
        Entry("matbench_expt_gap", "783e7d1461eb83b00b2f2942da4b95fda5e58a0d1ae26b581c24cf8a82ca75b2", "eV", structures: false),
        Entry("matbench_expt_is_metal", "8f2a4f9bacdcbc5c2c73615629ee7986f09d39bed40ba7db52b61b2889730887", null, structures: false),
        Entry("matbench_glass", "36beb654e2a463ee2a6572105bea0ca2961eee7c7b26a25377bff2c3b338e53a", null, structures: false),
        Entry("matbench_jdft2d", "26057dc4524e193e32abffb296ce819b58b6e11d1278cae329a2f97817a4eddf", "meV/atom"),
        Entry("matbench_log_gvrh", "098af941f4c663270f1fe21abf20ffad6fb85ecbfcba5786ceac03983ac29da7", "log10(GPa)"),
        Entry("matbench_log_kvrh", "44b113ddb7e23aa18731a62c74afa7e5aa654199e0db5f951c8248a00955c9cd", "log10(GPa)"),
        Entry("matbench_mp_e_form", "dedcb1d4ba2e3e50dbdd45ba5bc647a00e9c2bcf8f8bf556dc8e92caa39eb21f", "eV/atom"),
        Entry("matbench_mp_gap", "58b65746bd88329986ed66031a2ac1369c7c522f7bc9f9081528e07097c2c057", "eV"),
        Entry("matbench_mp_is_metal", "9a028ed5750a4c76ca36e9f3c8d48fe0bf3fb21b76ec2289e58ae7048d527919", null),
        Entry("matbench_perovskites", "4641e2417f8ec8b50096d2230864468dfa08278dc9d257c327f65d0305278483", "eV/unit cell"),
        Entry("matbench_phonons", "4db551f21ec5f577e6202725f10e34dfc509aa7df3a6bdaac497da7f6dbbb9b3", "cm^-1"),
        Entry("matbench_steels", "473bc4957b2ea5e6465aef84bc29bb48ac34db27d69ea4ec5f508745c6fae252", "MPa", structures: false),
    };

    public static DatasetSource? Find(string name) =>
        All.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    static DatasetSource Entry(string name, string sha256, string? unit, bool structures = true) =>
        new(name, Base + name + ".json.gz", sha256, unit, structures);
}
