using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Models.Library;

/// <summary>Any model file by its extension: a mixture (.moem), or an extractor (.moex, .safetensors, .pth, .pth.tar).</summary>
public static class ModelFile
{
    /// <summary>Reads the model in <paramref name="path"/>; a mixture's experts saved by name come from the <see cref="ExpertLibrary"/>.</summary>
    public static IPropertyModel Read(string path, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(MixtureFile.Extension, StringComparison.OrdinalIgnoreCase)
            ? MixtureFile.Read(path, (name, _) => ExpertLibrary.Load(name, log))
            : ExtractorFiles.Import(path);
    }

    /// <summary>Writes a mixture (with its extractors) or an extractor to a file of its own format; returns its path (<paramref name="stem"/> + extension).</summary>
    public static string Write(IPropertyModel model, string stem) => model switch
    {
        MixtureModel mixture => Written(stem + MixtureFile.Extension, path => MixtureFile.Write(mixture, path, includeExtractors: true)),
        Extractor extractor => Written(stem + ExtractorBundle.Extension, path => ExtractorBundle.Write(extractor, path)),
        _ => throw new NotSupportedException($"A {model.GetType().Name} cannot be saved to a file; use a mixture model or an extractor."),
    };

    static string Written(string path, Action<string> write)
    {
        write(path);
        return path;
    }
}
