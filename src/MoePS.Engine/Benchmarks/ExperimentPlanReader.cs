using System.Globalization;
using System.Text.RegularExpressions;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Settings;
using MoePS.Engine.Training;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Reads a YAML experiment plan strictly: every key must be known and every value of the right
/// type, else an <see cref="ExperimentPlanException"/> names the key, line and column.
/// Relative paths in the plan are relative to the YAML file's folder.
/// </summary>
/// <example><code>
/// name: quick
/// tasks: [jarvis_2d_gap_tbmbj]
/// methods: [STL, MoE, { method: MoE, topK: 2 }]
/// seeds: 0..1
/// hyperparameters: { epochs: 20, patience: 10 }
/// </code>
/// A <c>preset</c> (paper or fast) sets epochs and patience before the other keys of its mapping, which override it.
/// Names of methods, aggregations, presets and recipes match in any case, with or without '-' (paper-code = PaperCode).
/// </example>
public sealed class ExperimentPlanReader
{
    static readonly string[] TopLevelKeys =
        { "name", "description", "tasks", "methods", "seeds", "device", "resultPath", "reportPath", "splitPath", "hyperparameters" };

    /// <summary>The keys of a hyperparameters mapping: every declared setting's, and the preset that comes before them.</summary>
    static readonly string[] HyperparameterKeys = RunSettings.All.Select(s => s.YamlKey).Append(PresetKey).ToArray();

    const string PresetKey = "preset";

    static readonly Regex NamePattern = new(@"^[A-Za-z0-9_.\-]+$", RegexOptions.Compiled);
    static readonly Regex DevicePattern = new(@"^(auto|cpu|cuda(:\d+)?)$", RegexOptions.Compiled);
    static readonly Regex SeedRange = new(@"^\s*(\d+)\s*\.\.\s*(\d+)\s*$", RegexOptions.Compiled);

    readonly string? file;
    readonly string baseFolder;

    ExperimentPlanReader(string? file, string baseFolder)
    {
        this.file = file;
        this.baseFolder = baseFolder;
    }

    /// <summary>Reads the plan in <paramref name="path"/>.</summary>
    public static ExperimentPlan Load(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"Experiment plan '{full}' not found.", full);
        return Parse(File.ReadAllText(full), full);
    }

    /// <summary>Reads a plan from YAML text; <paramref name="sourcePath"/> names it in errors and anchors relative paths.</summary>
    public static ExperimentPlan Parse(string yaml, string? sourcePath = null)
    {
        string baseFolder = sourcePath == null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(sourcePath))!;
        return new ExperimentPlanReader(sourcePath, baseFolder).Read(yaml);
    }

    ExperimentPlan Read(string yaml)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new ExperimentPlanException("not valid YAML: " + e.Message, file, (int)e.Start.Line, (int)e.Start.Column, null, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this on some unterminated constructs; the last event read says where.
            var at = parser.Current?.End ?? Mark.Empty;
            throw new ExperimentPlanException("not valid YAML (an unterminated list, mapping or quote?)", file,
                (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), null, e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ExperimentPlanException("an experiment plan must be a mapping with tasks, methods and seeds.", file, 1, 1, null);

        var entries = Entries(root, "", TopLevelKeys);
        var hyper = entries.TryGetValue("hyperparameters", out var h)
            ? Hyperparameters(Mapping(h, "hyperparameters"), "hyperparameters", new BenchmarkHyperparameters())
            : new BenchmarkHyperparameters();
        string name = entries.TryGetValue("name", out var n) ? Name(n, "name")
            : file != null ? Path.GetFileNameWithoutExtension(file) : "experiment";

        return new ExperimentPlan
        {
            Name = name,
            Description = entries.TryGetValue("description", out var d) ? Text(d, "description") : null,
            Tasks = Names(Required(entries, root, "tasks"), "tasks"),
            Methods = Methods(Required(entries, root, "methods"), hyper),
            Seeds = entries.TryGetValue("seeds", out var s) ? Seeds(s) : new[] { 0 },
            Device = entries.TryGetValue("device", out var dev) ? Device(dev) : "auto",
            ResultPath = entries.TryGetValue("resultPath", out var r) ? FilePath(r, "resultPath")
                : Path.Combine(baseFolder, name + ".results.jsonl"),
            ReportPath = entries.TryGetValue("reportPath", out var rp) ? FilePath(rp, "reportPath") : null,
            SplitPath = entries.TryGetValue("splitPath", out var sp) ? FilePath(sp, "splitPath") : null,
            Hyperparameters = hyper,
            SourcePath = file == null ? null : Path.GetFullPath(file),
        };
    }

    List<PlannedMethod> Methods(YamlNode node, BenchmarkHyperparameters plan)
    {
        var items = Sequence(node, "methods");
        if (items.Count == 0) throw Error(node, "methods", "'methods' lists no method.");
        var methods = new List<PlannedMethod>();
        for (int i = 0; i < items.Count; i++)
        {
            string key = $"methods[{i}]";
            PlannedMethod method = items[i] switch
            {
                YamlScalarNode scalar => Resolve(MethodName(scalar, key), plan, null, scalar, key),
                YamlMappingNode map => MethodWithSettings(map, key, plan),
                var other => throw Error(other, key, $"'{key}' must be a method name or a mapping with 'method' and settings."),
            };
            if (methods.Any(m => m.Method == method.Method && m.Settings.HashFor(m.Method) == method.Settings.HashFor(method.Method)))
                throw Error(items[i], key, $"'{key}' repeats {method} with the same settings.");
            methods.Add(method);
        }
        return methods;
    }

    PlannedMethod MethodWithSettings(YamlMappingNode map, string key, BenchmarkHyperparameters plan)
    {
        var entries = Entries(map, key, HyperparameterKeys.Prepend("method").ToArray());
        var method = MethodName(Required(entries, map, "method", key), key + ".method");
        var settings = Hyperparameters(map, key, plan, skip: "method");
        return Resolve(method, settings, entries.GetValueOrDefault(RunSettings.Aggregation.YamlKey), map, key);
    }

    /// <summary>Makes method and aggregation agree: MoE with aggregation Concat is reported as Concat.</summary>
    PlannedMethod Resolve(LearningMethod method, BenchmarkHyperparameters settings, YamlNode? aggregationNode, YamlNode at, string key)
    {
        // MoE takes the aggregation in force (plan-wide or its own); Ensemble and Concat are checked against their own only.
        Aggregation? aggregation = method == LearningMethod.MoE || aggregationNode != null ? settings.Aggregation : null;
        try
        {
            return PlannedMethod.Create(method, settings, aggregation);
        }
        catch (ArgumentException e) when (e.ParamName == "aggregation" && aggregationNode != null)
        {
            throw Error(aggregationNode, $"{key}.{RunSettings.Aggregation.YamlKey}", $"'{key}': {Problem(e)}");
        }
        catch (ArgumentException e)
        {
            throw Error(at, $"{key}.{RunSettings.TopK.YamlKey}", $"'{key}': {Problem(e)}");
        }
    }

    /// <summary>The exception's message without the " (Parameter 'x')" .NET appends.</summary>
    static string Problem(ArgumentException e) =>
        e.ParamName == null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "");

    BenchmarkHyperparameters Hyperparameters(YamlMappingNode map, string context, BenchmarkHyperparameters start, string? skip = null)
    {
        var known = skip == null ? HyperparameterKeys : HyperparameterKeys.Append(skip).ToArray();
        var entries = Entries(map, context, known);
        var h = entries.TryGetValue(PresetKey, out var preset) ? start.With(EnumName<TrainingPreset>(preset, context + "." + PresetKey)) : start;
        foreach (var (name, value) in entries)
            if (RunSettings.ForYamlKey(name) is { } setting) h = setting.Read(h, new PlanValue(this, value, context + "." + name));
        return h;
    }

    /// <summary>A hyperparameter's value, read through this reader's checks and errors.</summary>
    sealed class PlanValue(ExperimentPlanReader reader, YamlNode node, string key) : IPlanValue
    {
        public bool IsAll => ExperimentPlanReader.IsAll(node);
        public int WholeNumber(int min) => reader.Integer(node, key, min);
        public double Positive() => reader.Positive(node, key);
        public double NonNegative() => reader.NonNegative(node, key);
        public string Name() => reader.Name(node, key);
        public IReadOnlyList<string> Names() => reader.Names(node, key);
        public TEnum Choice<TEnum>() where TEnum : struct, Enum => reader.EnumName<TEnum>(node, key);
    }

    // ---- structure -------------------------------------------------------------------------

    Dictionary<string, YamlNode> Entries(YamlMappingNode map, string context, IReadOnlyCollection<string> known)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            string key = keyNode is YamlScalarNode s ? s.Value ?? "" : keyNode.ToString();
            string where = context.Length == 0 ? "" : $" in '{context}'";
            if (!known.Contains(key))
            {
                string hint = known.FirstOrDefault(k => EditDistance(k.ToLowerInvariant(), key.ToLowerInvariant()) <= 2) is string near
                    ? $" (did you mean '{near}'?)" : "";
                throw Error(keyNode, Dotted(context, key),
                    $"unknown key '{key}'{where}{hint}. Known keys: {string.Join(", ", known)}.");
            }
            result[key] = value;
        }
        return result;
    }

    YamlNode Required(Dictionary<string, YamlNode> entries, YamlNode map, string key, string context = "")
    {
        if (entries.TryGetValue(key, out var node)) return node;
        throw Error(map, Dotted(context, key), $"the key '{key}' is required{(context.Length == 0 ? "" : $" in '{context}'")}.");
    }

    YamlMappingNode Mapping(YamlNode node, string key) =>
        node as YamlMappingNode ?? throw Error(node, key, $"'{key}' must be a mapping of settings, not {Describe(node)}.");

    /// <summary>A sequence, or a single scalar taken as a one-item list.</summary>
    IReadOnlyList<YamlNode> Sequence(YamlNode node, string key) => node switch
    {
        YamlSequenceNode seq => seq.Children.ToList(),
        YamlScalarNode s when !IsNull(s) => new YamlNode[] { s },
        _ => throw Error(node, key, $"'{key}' must be a list, not {Describe(node)}."),
    };

    // ---- values ----------------------------------------------------------------------------

    string Text(YamlNode node, string key) => node is YamlScalarNode s && !IsNull(s)
        ? s.Value!
        : throw Error(node, key, $"'{key}' must be text, not {Describe(node)}.");

    string Name(YamlNode node, string key)
    {
        string v = Text(node, key).Trim();
        return NamePattern.IsMatch(v) ? v
            : throw Error(node, key, $"'{key}' must be a name of letters, digits, '_', '-' or '.', not '{v}'.");
    }

    List<string> Names(YamlNode node, string key)
    {
        var items = Sequence(node, key);
        var names = new List<string>();
        for (int i = 0; i < items.Count; i++)
        {
            string name = Name(items[i], $"{key}[{i}]");
            if (names.Contains(name)) throw Error(items[i], $"{key}[{i}]", $"'{key}' lists '{name}' twice.");
            names.Add(name);
        }
        if (names.Count == 0) throw Error(node, key, $"'{key}' is empty.");
        return names;
    }

    LearningMethod MethodName(YamlNode node, string key)
    {
        string v = Text(node, key);
        return NameOf<LearningMethod>(v)
            ?? throw Error(node, key, $"'{key}' has the unknown method '{v}'. Methods: {string.Join(", ", Enum.GetNames<LearningMethod>())}.");
    }

    TEnum EnumName<TEnum>(YamlNode node, string key) where TEnum : struct, Enum
    {
        string v = Text(node, key);
        return NameOf<TEnum>(v)
            ?? throw Error(node, key, $"'{key}' must be {Alternatives(Enum.GetNames<TEnum>())}, not '{v}'.");
    }

    /// <summary>"a, b or c".</summary>
    static string Alternatives(string[] names) => string.Join(", ", names[..^1]) + " or " + names[^1];

    /// <summary>
    /// The member named <paramref name="name"/> in any case, with or without '-' between words (paper-code is PaperCode);
    /// numbers are not names (unlike Enum.TryParse).
    /// </summary>
    static TEnum? NameOf<TEnum>(string name) where TEnum : struct, Enum
    {
        string plain = name.Trim().Replace("-", "", StringComparison.Ordinal);
        foreach (var value in Enum.GetValues<TEnum>())
            if (string.Equals(value.ToString(), plain, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    string Device(YamlNode node)
    {
        string v = Text(node, "device").Trim().ToLowerInvariant();
        return DevicePattern.IsMatch(v) ? v
            : throw Error(node, "device", $"'device' must be auto, cpu, cuda or cuda:N, not '{v}'.");
    }

    string FilePath(YamlNode node, string key) => Path.GetFullPath(Path.Combine(baseFolder, Text(node, key)));

    List<int> Seeds(YamlNode node)
    {
        if (node is YamlScalarNode s && s.Value != null && SeedRange.Match(s.Value) is { Success: true } m)
        {
            int from = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            int to = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (to < from) throw Error(node, "seeds", $"'seeds' range {s.Value} runs backwards.");
            return Enumerable.Range(from, to - from + 1).ToList();
        }
        var items = Sequence(node, "seeds");
        var seeds = new List<int>();
        for (int i = 0; i < items.Count; i++)
        {
            int seed = Integer(items[i], $"seeds[{i}]", 0);
            if (seeds.Contains(seed)) throw Error(items[i], $"seeds[{i}]", $"'seeds' lists {seed} twice.");
            seeds.Add(seed);
        }
        return seeds;
    }

    int Integer(YamlNode node, string key, int min)
    {
        string v = Text(node, key);
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i))
            throw Error(node, key, $"'{key}' must be a whole number, not '{v}'.");
        return i >= min ? i : throw Error(node, key, $"'{key}' must be at least {min}, not {i}.");
    }

    double Number(YamlNode node, string key)
    {
        string v = Text(node, key);
        return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
            ? d : throw Error(node, key, $"'{key}' must be a number, not '{v}'.");
    }

    double Positive(YamlNode node, string key)
    {
        double d = Number(node, key);
        return d > 0 ? d : throw Error(node, key, $"'{key}' must be greater than 0, not {d}.");
    }

    double NonNegative(YamlNode node, string key)
    {
        double d = Number(node, key);
        return d >= 0 ? d : throw Error(node, key, $"'{key}' must not be negative, not {d}.");
    }

    static bool IsAll(YamlNode node) =>
        node is YamlScalarNode s && (IsNull(s) || string.Equals(s.Value, "all", StringComparison.OrdinalIgnoreCase));

    static bool IsNull(YamlScalarNode s) =>
        s.Style == ScalarStyle.Plain && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s when IsNull(s) => "empty",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "this value",
    };

    static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    static string Dotted(string context, string key) => context.Length == 0 ? key : context + "." + key;

    ExperimentPlanException Error(YamlNode node, string key, string problem) =>
        new(problem, file, (int)node.Start.Line, (int)node.Start.Column, key);
}
