
namespace MoePS.Engine.Models.Extractors;

/// <summary>
/// The catalogue of the MoE paper's 18 pre-trained CGCNN extractors (Chang, Wang &amp; Ertekin 2022,
/// supplementary Table 5), with the public checkpoints' URLs and SHA-256 pinned.
/// </summary>
public static class PaperExtractors
{
    public const string Repository = "rees-c/MoE";
    public const string RepositoryCommit = "ea155e57095a656bcde72f8c35ac48ca7c53d2f3";
    public const string CheckpointFolder = "cgcnn/data/saved_extractors";
    public const string ElementTablePath = "cgcnn/data/sample-regression/atom_init.json";
    public const string ElementTableSha256 = "cb90bd2257dbf8cfc4e6b2b6d4348d4616e8e9680f1339b1461137032e0f1894";

    public static string RawUrl(string repositoryPath) =>
        $"https://raw.githubusercontent.com/{Repository}/{RepositoryCommit}/" + string.Join("/", repositoryPath.Split('/').Select(Uri.EscapeDataString));

    public static IReadOnlyList<PaperExtractorEntry> All { get; } = new PaperExtractorEntry[]
    {
        new("mp_eform", "2022-01-26-15:48_singletask_eform_32hfealen_best_model.pth.tar", "8dc623965eeaa9616fc1f1219773f1e2e8f3b2c8ce40cd5833b13be14bf0c6ee", "Materials Project formation energy per atom (MP Ef)", 132752, "eV/atom", 0.0352),
        new("mp_bandgap", "2022-01-26-15:38_singletask_bandgap_32hfealen_best_model.pth.tar", "9f4d1ca0ae3bc0ea887418a4a76e98e38232d6ca6d9331f827fc731fe5c87ee7", "Materials Project band gap (MP Eg)", 106113, "eV", 0.243),
        new("mp_gvrh", "2022-01-26-19:08_singletask_gvrh_32hfealen_best_model.pth.tar", "f19ce56679cbbaf4d67bdd3c04d2f862c5af08e4a697b893af49335be605d58b", "Materials Project VRH shear modulus (MP G_VRH)", 10987, "log10(GPa)", 0.0931),
        new("mp_kvrh", "2022-03-27-15:50_singletask_32hfl_mpkvrh_best_model.pth.tar", "bf1487cd58b054ff6694aa5c83f00e125ba16e104b849f7d5dac5c659a622a10", "Materials Project VRH bulk modulus (MP K_VRH)", 10987, "log10(GPa)", 0.0749),
        new("weighted_n_e_cond", "2022-02-03-21:12_singletask_necond_32hfealen_sgd_weightedsampling_best_model.pth.tar", "30de70b713f5b83db8dadcdc8a78f63c7b88cfdc048c4a94d755a44ecebb090f", "n-type electronic conductivity sigma_e (trained with weighted sampling)", 37390, null, 1.05, "unit not stated in the code"),
        new("weighted_p_e_cond", "2022-02-04-00:05_singletask_pecond_32hfealen_sgd_weightedsampling_best_model.pth.tar", "f4ad7778ca234201b8a5a2d2ca6043112e06d6f394d532f9238d4feee06c7a39", "p-type electronic conductivity sigma_e (trained with weighted sampling)", 37390, null, 0.989, "unit not stated in the code"),
        new("weighted_n_th_cond", "2022-02-04-03:02_singletask_nthcond_32hfealen_sgd_weightedsampling_best_model.pth.tar", "bf7e7ff5792c50233451dd0f2cc1e58f875a8a5f717129a67d0fba83874557f1", "n-type electronic thermal conductivity kappa_e (trained with weighted sampling)", 37390, null, 0.545, "unit not stated in the code"),
        new("weighted_p_th_cond", "2022-02-04-05:50_singletask_pthcond_32hfealen_sgd_weightedsampling_best_model.pth.tar", "ef1f66117a6ff489a8e28da344df7bc969cef84ed34d1f88cfc875c33d36ce1f", "p-type electronic thermal conductivity kappa_e (trained with weighted sampling)", 37390, null, 0.611, "unit not stated in the code"),
        new("p_Seebeck", "2022-02-26-04:44_singletask_32hfl_pSeebeck_best_model.pth.tar", "6d85916f1e23206d177a7d4f72ecfaaaef8f564cbf613c49db38f2b11a2a1231", "p-type Seebeck coefficient", 37390, "uV/K", 105.0),
        new("n_Seebeck", "2022-02-26-02:00_singletask_32hfl_nSeebeck_best_model.pth.tar", "c593c65b4d194b71091d6afb8144099bd0b091a888d2c8574ceedbfbef402f67", "n-type Seebeck coefficient", 37390, "uV/K", 99.0),
        new("n_avg_eff_mass", "2022-02-25-19:05_singletask_32hfl_nEffMass_best_model.pth.tar", "ce6cd5af90f32f934043b579a97ab1fdfbb16e3f48c4ef17fa06199d1daa44f5", "n-type average effective mass", 21037, null, 0.552, "unit not stated in the code"),
        new("p_avg_eff_mass", "2022-02-25-19:06_singletask_32hfl_pEffMass_best_model.pth.tar", "ada1dd3eaece4f99bd0d8b9ee633e8f52cc569e18e4a3aa0e0ea2a81e57e8255", "p-type average effective mass", 20270, null, 0.706, "unit not stated in the code"),
        new("castelli_eform", "2022-03-03-05:32_singletask_castelliEform_32hfl_best_model.pth.tar", "786e37ee6232588f0ac227499b2db9a94ff69a196f533e7ae4b080609102d37d", "Perovskite formation energy (Castelli perovskites)", 18928, "eV/atom", 0.0488),
        new("jarvis_eform", "2022-02-25-18:09_singletask_32hfl_jarvisEform_best_model.pth.tar", "e0b7d05e837df5cdc093490815c2a52d343c79aafa1c5de3f278beb062879fef", "JARVIS-DFT formation energy per atom (JARVIS Ef)", 25923, "eV/atom", 0.0563),
        new("jarvis_dielectric_opt", "2022-02-25-18:03_singletask_32hfl_jarvisDielectric_best_model.pth.tar", "c8ac78e971c484103eb6b6d5d76c6ceedf83c464f883112c480ad2eb63682802", "JARVIS-DFT dielectric constant, OptB88vdW", 19027, "dimensionless", 0.285),
        new("jarvis_bandgap", "2022-02-25-18:17_singletask_32hfl_jarvisEg_best_model.pth.tar", "0ee897179bbfc957c479596b99795b540134d6cf2913879761980b42c43be0de", "JARVIS-DFT band gap (JARVIS Eg)", 23455, "eV", 0.277),
        new("jarvis_gvrh", "2022-02-25-19:03_singletask_32hfl_jarvisGvrh_best_model.pth.tar", "8cac5860db3a096f3988baab471e4361b8f5417671951364edb805cf456d79c7", "JARVIS-DFT VRH shear modulus (JARVIS G_VRH)", 10855, null, 0.238, "unit not stated in the code; checkpoint normalizer mean 3.52 is consistent with ln(GPa), not log10(GPa) (unverified)"),
        new("jarvis_kvrh", "2022-02-25-19:04_singletask_32hfl_jarvisKvrh_best_model.pth.tar", "45282aec9356486d9df4e23005e4d415582ddfc89508ac801f4b1a95946a70f1", "JARVIS-DFT VRH bulk modulus (JARVIS K_VRH)", 11028, null, 0.105, "unit not stated in the code; checkpoint normalizer mean 4.21 is consistent with ln(GPa), not log10(GPa) (unverified)"),
    };

    public static IReadOnlyList<string> Names { get; } = All.Select(e => e.Name).ToArray();

    public static PaperExtractorEntry? TryFind(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    public static PaperExtractorEntry Find(string name) => TryFind(name) ?? throw new ArgumentException(
        $"'{name}' is not one of the paper's extractors: {string.Join(", ", Names)}.");

    public static PaperExtractorEntry? BySha256(string sha256) =>
        All.FirstOrDefault(e => string.Equals(e.Sha256, sha256, StringComparison.OrdinalIgnoreCase));
}
