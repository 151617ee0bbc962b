using System.Globalization;
using System.Diagnostics;

namespace MoePS.Bench;

/// <summary>
/// The paper's own code (a work tree of github rees-c/MoE, never part of this repository), run on the same data by
/// bench/reference/paper_epochs.py under Debian's Python with python3-torch and python3-pymatgen.
/// </summary>
public sealed class PaperCode
{
    public const string FolderVariable = "MOEPS_PAPER_CODE";
    internal const string Python = "/usr/bin/python3";
    static readonly string[] PaperFiles = { "main.py", "main_singletask.py", "moe/model.py", "cgcnn/data.py" };

    readonly string folder, dataFolder;
    readonly string driver = Path.Combine(AppContext.BaseDirectory, "reference", "paper_epochs.py");

    PaperCode(string folder, string dataFolder) => (this.folder, this.dataFolder) = (folder, dataFolder);

    /// <summary>
    /// The paper's code in <paramref name="folder"/> (else $MOEPS_PAPER_CODE), or null with the reason it cannot run here.
    /// </summary>
    public static PaperCode? Locate(string? folder, string dataFolder, out string reason)
    {
        folder ??= Environment.GetEnvironmentVariable(FolderVariable);
        if (string.IsNullOrWhiteSpace(folder))
        {
            reason = $"no paper code: set {FolderVariable} (or --paper-code) to a work tree of github rees-c/MoE";
            return null;
        }
        folder = Path.GetFullPath(folder);
        if (PaperFiles.FirstOrDefault(f => !File.Exists(Path.Combine(folder, f))) is { } missing)
        {
            reason = $"'{folder}' is not a work tree of rees-c/MoE: it has no {missing}";
            return null;
        }
        if (!PythonHasPackages())
        {
            reason = $"{Python} cannot import torch and pymatgen (Debian: apt-get install python3-torch python3-pymatgen)";
            return null;
        }
        reason = "";
        return new PaperCode(folder, dataFolder);
    }

    /// <summary>One fresh training of <paramref name="config"/> (stl, moe or tl; see the driver) on <paramref name="task"/>, each epoch timed.</summary>
    public IReadOnlyList<EpochSample> Epochs(string config, string task, int epochs, int? topK = null)
    {
        var arguments = new List<string> { "--config", config, "--task", task, "--epochs", epochs.ToString(CultureInfo.InvariantCulture) };
        if (topK is { } k) arguments.AddRange(new[] { "--k", k.ToString(CultureInfo.InvariantCulture) });
        return Run(arguments).Select(JsonLinesProcess.Epoch).ToList();
    }

    /// <summary>Seconds for the paper's graph construction (pymatgen neighbour lists, one thread) over all of <paramref name="task"/>.</summary>
    public double GraphSeconds(string task) => Run(new[] { "--config", "graphs", "--task", task }).Single().GetProperty("seconds").GetDouble();

    IReadOnlyList<System.Text.Json.JsonElement> Run(IEnumerable<string> arguments)
    {
        // The paper's scripts create a dated folder in the working directory when imported.
        var scratch = Directory.CreateTempSubdirectory("moeps-paper-code-");
        try
        {
            return JsonLinesProcess.Run(Python,
                new[] { driver, "--paper-code", folder, "--data", dataFolder }.Concat(arguments), scratch.FullName);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Whether <see cref="Python"/> imports torch and pymatgen (Debian's python3-torch and python3-pymatgen).</summary>
    internal static bool PythonHasPackages()
    {
        if (!File.Exists(Python)) return false;
        using var check = Process.Start(new ProcessStartInfo(Python, new[] { "-c", "import torch, pymatgen.core" })
            { RedirectStandardError = true, RedirectStandardOutput = true });
        check!.StandardError.ReadToEnd();
        check.WaitForExit();
        return check.ExitCode == 0;
    }
}
