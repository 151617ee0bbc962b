using System.Management.Automation;
using MoePS.Engine.Settings;

namespace MoePS.Cmdlets;

/// <summary>Binds a cmdlet's parameters of declared settings (<see cref="RunSettings"/>) into the record they set.</summary>
internal static class SettingParameters
{
    /// <summary>
    /// <paramref name="start"/> with each setting it holds set from its parameter where that was given (not null); a setting
    /// whose parameter was not given keeps <paramref name="start"/>'s value (its default, or a preset's).
    /// </summary>
    public static TRecord Bind<TRecord>(TRecord start, IReadOnlyDictionary<string, object> bound)
    {
        var record = start;
        foreach (var setting in RunSettings.All.Where(s => s.Sets<TRecord>()))
            if (bound.TryGetValue(setting.ParameterName, out var value) && value != null)
                record = setting.Bind(record, value is PSObject wrapped ? wrapped.BaseObject : value);
        return record;
    }
}
