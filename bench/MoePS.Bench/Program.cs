using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using MoePS.Bench;
using MoePS.Engine.Runtime;

string filter = "*", output = "artifacts/bench/results.json";
string? paperCodeFolder = null, matglSource = null, pygSource = null;
bool reference = false;
int repeats = new EpochTiming().Repeats, epochs = new EpochTiming().Epochs;
// "--name=X" as well as "--name X": PowerShell on Unix expands a lone "*" argument into file names.
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--reference") { reference = true; continue; }
    string[] parts = args[i].Split('=', 2);
    string value = parts.Length == 2 ? parts[1] : i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (parts[0])
    {
        case "--filter": filter = value; break;
        case "--output": output = value; break;
        case "--paper-code": paperCodeFolder = value; break;
        case "--matgl-source": matglSource = value; break;
        case "--pyg-source": pygSource = value; break;
        case "--repeats": repeats = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--epochs": epochs = int.Parse(value, CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"Unknown argument {args[i]} (--filter, --output, --reference, --paper-code, --matgl-source, --pyg-source, --repeats, --epochs).");
    }
}
var timing = EpochTiming.Checked(repeats, epochs);
var repository = new DirectoryInfo(AppContext.BaseDirectory);
while (repository != null && !File.Exists(Path.Combine(repository.FullName, "MoePS.sln"))) repository = repository.Parent;
string? data = Environment.GetEnvironmentVariable(DataLocations.DataPathVariable);
if (string.IsNullOrWhiteSpace(data))
    data = repository?.Parent == null ? null : Path.Combine(repository.Parent.FullName, "shared", "data");
if (data == null || !Directory.Exists(data))
{
    Console.Error.WriteLine($"Benchmark data folder not found: set {DataLocations.DataPathVariable}.");
    return 2;
}

// The engine's own lookups (extractor library, named datasets) search $MOEPS_DATA_PATH.
Environment.SetEnvironmentVariable(DataLocations.DataPathVariable, Path.GetFullPath(data));

var pattern = new Regex("^" + Regex.Escape(filter).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.IgnoreCase);
var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .Where(b => pattern.IsMatch(b.Name) && (!b.IsLong || filter != "*"))
    .OrderBy(b => b.Name)
    .ToList();

PaperCode? paperCode = null;
MatGLCode? matgl = null;
string? matglAbsence = null;
if (reference)
{
    paperCode = PaperCode.Locate(paperCodeFolder, Path.GetFullPath(data), out string reason);
    if (paperCode is null) BenchContext.Log($"The paper's code cannot run here ({reason}): MoePS's absolute times only, no ratios.");
    matgl = MatGLCode.Locate(matglSource, pygSource, Path.GetFullPath(data), out matglAbsence);
    if (matgl is null) BenchContext.Log($"MatGL cannot run here ({matglAbsence}): tensornet.features gives MoePS's times only, no ratios.");
    else BenchContext.Log($"MatGL reference: {matgl.MatGLSource} with PyG {matgl.PygSource}");
}
BenchContext.Log($"Epoch times: {timing.Describe()}; load average {MachineState.LoadAverages()}; {MachineState.TieredCompilation()}");
var context = new BenchContext(Path.GetFullPath(data), repository?.FullName, timing, paperCode, matgl, matglAbsence);
var results = new List<BenchResult>();
int failures = 0;
foreach (var b in benchmarks)
{
    BenchContext.Log($"benchmark {b.Name}");
    try
    {
        foreach (var r in b.Run(context))
        {
            results.Add(r);
            BenchContext.Log($"  {r.Name} = {r.Value:G5} {r.Unit}  {r.Details}");
        }
    }
    catch (Exception e)
    {
        failures++;
        BenchContext.Log($"  FAILED: {e}");
        results.Add(new BenchResult($"{b.Name}.error", double.NaN, "error", e.Message));
    }
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
var json = JsonSerializer.Serialize(results.Select(r => new { name = r.Name, value = double.IsFinite(r.Value) ? (double?)r.Value : null, unit = r.Unit, details = r.Details }),
    new JsonSerializerOptions { WriteIndented = true });
File.WriteAllText(output, json);
return failures == 0 ? 0 : 1;
