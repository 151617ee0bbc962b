using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Golden;

namespace MoePS.DeviceCheck.Steps;

/// <summary>
/// The golden check on the device: each extractor the golden file has references for must reproduce the paper code's
/// outputs within <see cref="GoldenReference.Tolerance"/> (the check the golden xunit tests make on the CPU); on a GPU,
/// every extractor of the check must also give the CPU's outputs on the golden structures within the same tolerance.
/// </summary>
public sealed class GoldenStep : ICheckStep
{
    public string Name => "golden";

    public StepOutcome Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var golden = GoldenReference.Load(context.DataPath(GoldenReference.RelativePath));
        var items = new CheckItems(context);
        bool onCpu = context.Device.Kind == "cpu";
        foreach (string name in context.ExtractorNames.Union(golden.Extractors))
        {
            using var extractor = ExtractorFiles.Import(context.DataPath("extractors", name + ".safetensors"));
            if (golden.Extractors.Contains(name))
                items.Run($"{name} vs golden file", () => Report(golden.Check(extractor, context.Device)));
            if (!onCpu)
                items.Run($"{name} {context.Device.Name} vs cpu", () =>
                {
                    using var onDevice = extractor.GraphTensors(golden.Graphs, golden.Ids, context.Device);
                    var deviceOutput = extractor.Evaluate(onDevice, context.Device);
                    using var onHost = extractor.GraphTensors(golden.Graphs, golden.Ids, context.Cpu);
                    return Report(OutputDeviation.Between(extractor.Evaluate(onHost, context.Cpu), deviceOutput, golden.Ids));
                });
        }
        return new StepOutcome(items.AllPassed, new { tolerance = GoldenReference.Tolerance, structures = golden.Structures.Count, checks = items.Items });
    }

    static (bool, string) Report(OutputDeviation d) => (d.Within(GoldenReference.Tolerance), d.ToString());
}
