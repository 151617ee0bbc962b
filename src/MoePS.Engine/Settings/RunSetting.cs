using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Settings;

/// <summary>
/// One training or mixture setting as <see cref="RunSettings"/> declares it: what plan reading, run keys and settings texts,
/// checkpoint identity and cmdlet binding need to know of it, whatever its type.
/// </summary>
public abstract class RunSetting
{
    private protected RunSetting(string name, SettingScope scope)
    {
        Name = name;
        Scope = scope;
        ParameterName = name;
    }

    /// <summary>Its property in <see cref="BenchmarkHyperparameters"/> (and <see cref="MixtureOptions"/> or the training options).</summary>
    public string Name { get; }

    /// <summary>Its key in a plan's hyperparameters and in run keys: the name in camelCase.</summary>
    public string YamlKey => char.ToLowerInvariant(Name[0]) + Name[1..];

    /// <summary>The cmdlet parameter that sets it: the name, unless a parameter reads better otherwise (-Extractor).</summary>
    public string ParameterName { get; init; }

    /// <summary>The methods whose runs it shapes.</summary>
    public SettingScope Scope { get; }

    /// <summary>
    /// In the run key even at its default: the settings the first result files were written with. A setting added later is
    /// keyed only when changed, so that the runs recorded before it keep their keys (and their settings texts).
    /// </summary>
    public bool KeyedAtDefault { get; init; }

    /// <summary>Whether the checkpoint identity of a mixture records it.</summary>
    public SettingIdentity Identity { get; init; }

    /// <summary>The type of its value.</summary>
    public abstract Type ValueType { get; }

    /// <summary>Its declared default, boxed.</summary>
    public abstract object? DefaultValue { get; }

    /// <summary>Whether <paramref name="settings"/> leave it at its default.</summary>
    public abstract bool IsDefault(BenchmarkHyperparameters settings);

    /// <summary>Its value in <paramref name="settings"/> as run keys and settings texts write it.</summary>
    public abstract string KeyText(BenchmarkHyperparameters settings);

    /// <summary><paramref name="settings"/> with the value a plan gives it.</summary>
    public abstract BenchmarkHyperparameters Read(BenchmarkHyperparameters settings, IPlanValue value);

    /// <summary>Whether records of <typeparamref name="TRecord"/> hold it.</summary>
    public abstract bool Sets<TRecord>();

    /// <summary><paramref name="record"/> with it set to <paramref name="value"/> (a cmdlet parameter's, of its type).</summary>
    public abstract TRecord Bind<TRecord>(TRecord record, object value);

    /// <summary><paramref name="target"/> with its value in <paramref name="source"/>.</summary>
    public abstract TTarget Copy<TSource, TTarget>(TSource source, TTarget target);

    /// <summary>Its field in the identity of a mixture with <paramref name="options"/> of <paramref name="extractorCount"/> extractors, or null.</summary>
    public abstract KeyValuePair<string, string>? IdentityField(MixtureOptions options, int extractorCount);
}
