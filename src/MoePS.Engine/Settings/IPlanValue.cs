namespace MoePS.Engine.Settings;

/// <summary>
/// A setting's value as a plan gives it, for the setting's declaration to read: each accessor checks that the value is of
/// its kind and in range, else throws the plan reader's error naming the key, line and column.
/// </summary>
public interface IPlanValue
{
    /// <summary>Empty or 'all'.</summary>
    bool IsAll { get; }

    /// <summary>A whole number of at least <paramref name="min"/>.</summary>
    int WholeNumber(int min);

    /// <summary>A finite number greater than 0.</summary>
    double Positive();

    /// <summary>A finite number of at least 0.</summary>
    double NonNegative();

    /// <summary>A name of letters, digits, '_', '-' or '.'.</summary>
    string Name();

    /// <summary>A list of such names (or one), none twice.</summary>
    IReadOnlyList<string> Names();

    /// <summary>A member of <typeparamref name="TEnum"/>, named in any case, with or without '-' between words.</summary>
    TEnum Choice<TEnum>() where TEnum : struct, Enum;
}
