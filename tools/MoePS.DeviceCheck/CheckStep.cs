namespace MoePS.DeviceCheck;

/// <summary>One named step of the device check; each writes &lt;out&gt;/&lt;Name&gt;.json.</summary>
public interface ICheckStep
{
    string Name { get; }

    /// <summary>Runs the step; throws when it cannot finish. <see cref="StepOutcome.Passed"/> says whether its checks held.</summary>
    StepOutcome Run(CheckContext context);
}

/// <summary>What a step found: whether its checks held, and the details it reports (serialised as JSON).</summary>
public sealed record StepOutcome(bool Passed, object Details);

/// <summary>One check within a step: its name, whether it held, how long it took, and what it measured or why it failed.</summary>
public sealed record CheckItem(string Name, bool Passed, double Seconds, string Detail);
