namespace MoePS.Engine.Settings;

/// <summary>Whether a mixture's checkpoint identity records a setting (a checkpoint continues only a run of the same identity).</summary>
public enum SettingIdentity
{
    /// <summary>Not a field of the mixture's identity: not a mixture setting, or the recipe's part of the identity holds it.</summary>
    None,
    /// <summary>Always a field.</summary>
    Always,
    /// <summary>A field only when not its default, so that checkpoints written before the setting existed still resume.</summary>
    WhenChanged,
}
