using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Settings;

/// <summary>Which methods' runs a setting shapes: only their run keys and settings texts carry it.</summary>
public enum SettingScope
{
    /// <summary>Every method: the training recipe.</summary>
    Every,
    /// <summary>STL only.</summary>
    SingleTask,
    /// <summary>TL only.</summary>
    Transfer,
    /// <summary>TL and the mixtures: every method that fine-tunes extractors.</summary>
    Extractors,
    /// <summary>The mixtures of several extractors (not TL).</summary>
    Mixtures,
}

/// <summary>What a <see cref="SettingScope"/> covers.</summary>
public static class SettingScopes
{
    /// <summary>Whether the runs of <paramref name="method"/> are shaped by a setting of <paramref name="scope"/>.</summary>
    public static bool Covers(this SettingScope scope, LearningMethod method) => scope switch
    {
        SettingScope.Every => true,
        SettingScope.SingleTask => method == LearningMethod.STL,
        SettingScope.Transfer => method == LearningMethod.TL,
        SettingScope.Extractors => method != LearningMethod.STL,
        SettingScope.Mixtures => method.IsMixture(),
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Unknown setting scope."),
    };
}
