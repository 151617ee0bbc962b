using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Experts;

namespace MoePS.Engine.Models;

/// <summary>
/// Predicts crystals with one or several models of the same property: graphs are built once per
/// graph setting (<see cref="CrystalInputs"/>); with several models Predicted is their mean and StdDev their sample
/// standard deviation.
/// </summary>
public static class PropertyPredictor
{
    /// <summary>Checks the models can be combined; throws a clear error otherwise.</summary>
    public static void CheckCompatible(IReadOnlyList<IPropertyModel> models)
    {
        if (models.Count == 0) throw new ArgumentException("At least one model is needed.");
        var first = models[0];
        foreach (var m in models.Skip(1))
            if (m.PropertyName != first.PropertyName || m.Unit != first.Unit)
                throw new ArgumentException($"Models '{first.Name}' ({first.PropertyName}, {first.Unit ?? "no unit"}) and '{m.Name}' ({m.PropertyName}, {m.Unit ?? "no unit"}) predict different properties; only models of one property can be averaged.");
    }

    public static IReadOnlyList<Prediction> Predict(IReadOnlyList<IPropertyModel> models, IReadOnlyList<PredictionInput> inputs, ComputeDevice device)
    {
        CheckCompatible(models);
        if (inputs.Count == 0) return Array.Empty<Prediction>();
        var crystals = inputs.Select(i => i.Crystal).ToList();
        var shared = new CrystalInputs(crystals);
        var perModel = models.Select(m => m.Predict(shared, device)).ToList();

        string modelName = string.Join(", ", models.Select(m => m.Name));
        var results = new Prediction[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            double mean = perModel.Average(p => p[i]);
            double? std = models.Count > 1 ? Math.Sqrt(perModel.Sum(p => (p[i] - mean) * (p[i] - mean)) / (models.Count - 1)) : null;
            var actual = inputs[i].Actual;
            results[i] = new Prediction(crystals[i].Id, crystals[i].Formula, mean, models[0].Unit, actual,
                actual.HasValue ? Math.Abs(mean - actual.Value) : null, std, modelName, models[0].PropertyName);
        }
        return results;
    }

    /// <summary>The expert's feature vector of each crystal.</summary>
    public static IReadOnlyList<CrystalFeature> Features(IExpert expert, IReadOnlyList<Crystal> crystals, ComputeDevice device)
    {
        if (crystals.Count == 0) return Array.Empty<CrystalFeature>();
        var features = expert.Features(new CrystalInputs(crystals), device);
        return crystals.Select((c, i) => new CrystalFeature(c.Id, c.Formula, expert.Name, features[i])).ToList();
    }
}
