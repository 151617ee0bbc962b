namespace MoePS.Engine.Crystals;

/// <summary>One CIF value with the line it came from.</summary>
public sealed record CifValue(string Text, int Line, bool Quoted)
{
    /// <summary>"?" (unknown) and "." (not applicable) mean no value.</summary>
    public bool IsMissing => !Quoted && (Text == "?" || Text == ".");
}
