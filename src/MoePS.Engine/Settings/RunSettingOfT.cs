using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;

namespace MoePS.Engine.Settings;

/// <summary>A setting of type <typeparamref name="T"/>: its default, how a plan gives it, how keys write it and where it lives.</summary>
/// <param name="name">Its property name (see <see cref="RunSetting.Name"/>).</param>
/// <param name="defaultValue">Its default: the paper's, where the paper has it.</param>
/// <param name="scope">The methods whose runs it shapes.</param>
/// <param name="read">Its value from a plan, checked.</param>
/// <param name="text">Its value as run keys write it.</param>
/// <param name="plan">Its place in a benchmark run's settings.</param>
public sealed class RunSetting<T>(string name, T defaultValue, SettingScope scope, Func<IPlanValue, T> read, Func<T, string> text,
    SettingField<BenchmarkHyperparameters, T> plan) : RunSetting(name, scope)
{
    public T Default { get; } = defaultValue;

    public SettingField<BenchmarkHyperparameters, T> Plan { get; } = plan;

    /// <summary>Its place in a mixture's options, for mixture settings.</summary>
    public SettingField<MixtureOptions, T>? Mixture { get; init; }

    /// <summary>Its place in a run's training options, for the training recipe.</summary>
    public SettingField<TrainingOptions, T>? Training { get; init; }

    /// <summary>The identity field's name, when not <see cref="RunSetting.Name"/>.</summary>
    public string? IdentityKey { get; init; }

    /// <summary>The identity field's text for a mixture's options and extractor count, when not the value's key text.</summary>
    public Func<MixtureOptions, int, string>? IdentityText { get; init; }

    public override Type ValueType => typeof(T);

    public override object? DefaultValue => Default;

    public override bool IsDefault(BenchmarkHyperparameters settings) => KeyText(settings) == text(Default);

    public override string KeyText(BenchmarkHyperparameters settings) => text(Plan.Get(settings));

    public override BenchmarkHyperparameters Read(BenchmarkHyperparameters settings, IPlanValue value) => Plan.With(settings, read(value));

    public override bool Sets<TRecord>() => FieldIn<TRecord>() != null;

    public override TRecord Bind<TRecord>(TRecord record, object value) =>
        FieldOf<TRecord>().With(record, value is T typed ? typed
            : throw new ArgumentException($"{Name} takes a {typeof(T).Name}, not {value?.GetType().Name ?? "null"}.", nameof(value)));

    public override TTarget Copy<TSource, TTarget>(TSource source, TTarget target) => FieldOf<TTarget>().With(target, FieldOf<TSource>().Get(source));

    public override KeyValuePair<string, string>? IdentityField(MixtureOptions options, int extractorCount)
    {
        if (Identity == SettingIdentity.None || Mixture == null) return null;
        T value = Mixture.Get(options);
        if (Identity == SettingIdentity.WhenChanged && text(value) == text(Default)) return null;
        return new(IdentityKey ?? Name, IdentityText?.Invoke(options, extractorCount) ?? text(value));
    }

    SettingField<TRecord, T>? FieldIn<TRecord>() =>
        Plan as SettingField<TRecord, T> ?? Mixture as SettingField<TRecord, T> ?? Training as SettingField<TRecord, T>;

    SettingField<TRecord, T> FieldOf<TRecord>() =>
        FieldIn<TRecord>() ?? throw new InvalidOperationException($"{typeof(TRecord).Name} has no setting {Name}.");
}
