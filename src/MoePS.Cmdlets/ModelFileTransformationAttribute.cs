using System.Management.Automation;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Library;

namespace MoePS.Cmdlets;

/// <summary>Lets a -Model parameter take model files (paths or FileInfo) as well as model objects: files are read as they bind.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ModelFileTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        ArgumentNullException.ThrowIfNull(engineIntrinsics);
        object input = inputData is PSObject p ? p.BaseObject : inputData;
        if (input is object[] many) return many.Select(i => One(engineIntrinsics, i)).ToArray();
        return One(engineIntrinsics, input);
    }

    static object One(EngineIntrinsics engine, object? item)
    {
        object? value = item is PSObject p ? p.BaseObject : item;
        string? path = value switch
        {
            string s => s,
            FileInfo f => f.FullName,
            _ => null,
        };
        if (path == null) return value!;
        string full = engine.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        try
        {
            return ModelFile.Read(full);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            throw new ArgumentTransformationMetadataException($"Cannot read the model file '{full}': {e.Message}", e);
        }
    }
}
