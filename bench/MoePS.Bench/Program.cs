using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using MoePS.Bench;
using MoePS.Engine.Runtime;

string filter = "*", output = "artifacts/bench/results.json";
// "--filter=X" as well as "--filter X": PowerShell on Unix expands a lone "*" argument into file names.
for (int i = 0; i < args.Length; i++)
{
    if (args[i].StartsWith("--filter=", StringComparison.Ordinal)) filter = args[i]["--filter=".Length..];
    else if (args[i].StartsWith("--output=", StringComparison.Ordinal)) output = args[i]["--output=".Length..];
    else if (args[i] == "--filter" && i + 1 < args.Length) filter = args[++i];
    else if (args[i] == "--output" && i + 1 < args.Length) output = args[++i];
}
string? data = Environment.GetEnvironmentVariable(DataLocations.DataPathVariable);
if (string.IsNullOrWhiteSpace(data))
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MoePS.sln"))) dir = dir.Parent;
    data = dir?.Parent == null ? null : Path.Combine(dir.Parent.FullName, "shared", "data");
}
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

var context = new BenchContext(Path.GetFullPath(data));
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
