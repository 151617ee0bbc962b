namespace MoePS.Engine.Settings;

/// <summary>Where a setting lives in one record type: its value there, and a copy of the record with another value.</summary>
public sealed record SettingField<TRecord, T>(Func<TRecord, T> Get, Func<TRecord, T, TRecord> With);
