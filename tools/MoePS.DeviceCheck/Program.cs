using MoePS.DeviceCheck;
using MoePS.DeviceCheck.Steps;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Runtime;

// The device check of the GPU kit: named steps, in order, each writing <out>/<step>.json (see StepRunner).
// A packed protocol step is to be added to this list beside (or instead of) the one-run-after-another protocol.
ICheckStep[] all = { new TensorStep(), new GoldenStep(), new SpeedStep(), new PathsStep(), new ProtocolStep() };

CheckOptions options;
try
{
    options = CheckOptions.Parse(args);
    var unknown = options.Steps.Except(all.Select(s => s.Name)).ToList();
    if (unknown.Count > 0)
        throw new ArgumentException($"Unknown step(s) {string.Join(", ", unknown)}; the steps are {string.Join(", ", all.Select(s => s.Name))}.");
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
var deadline = DateTime.UtcNow + options.Budget;
var steps = options.Steps.Count == 0 ? all : all.Where(s => options.Steps.Contains(s.Name)).ToArray();

// The engine finds tasks, splits and extractors through $MOEPS_DATA_PATH; nothing may be downloaded, and caches go to a temporary folder.
Environment.SetEnvironmentVariable(DataLocations.DataPathVariable, options.DataFolder);
Environment.SetEnvironmentVariable(VerifiedDownload.OfflineVariable, "1");
Environment.SetEnvironmentVariable(DataLocations.CachePathVariable, Directory.CreateTempSubdirectory("moeps-device-check-cache-").FullName);
CheckContext.Log($"device check on {options.Device}, scale {options.Scale}, budget {options.Budget.TotalSeconds:F0} s, " +
    $"steps {string.Join(",", steps.Select(s => s.Name))}, data {options.DataFolder}, out {options.OutFolder}, " +
    $"{PaperExtractors.Names.Count(n => File.Exists(Path.Combine(options.DataFolder, "extractors", n + ".safetensors")))} extractors in the data folder");

int failed = StepRunner.Run(steps, () => new CheckContext(options, deadline), options, deadline);
CheckContext.Log($"{steps.Length - failed} of {steps.Length} steps passed");
return failed == 0 ? 0 : 1;
