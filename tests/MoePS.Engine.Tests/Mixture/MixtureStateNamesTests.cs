using MoePS.Engine.Models.Mixture;
using Xunit;

namespace MoePS.Engine.Tests.Mixture;

/// <summary>The names and order of a mixture network's state: saved files hold it by these names, optimisers take it in this order.</summary>
public class MixtureStateNamesTests : IClassFixture<MixtureFixture>
{
    static readonly string[] ConvParameters = { "w_self", "w_nbr", "w_edge", "bias", "bn1_weight", "bn1_bias", "bn2_weight", "bn2_bias" };
    static readonly string[] ConvBuffers = { "bn1_running_mean", "bn1_running_var", "bn2_running_mean", "bn2_running_var" };

    readonly MixtureFixture f;

    public MixtureStateNamesTests(MixtureFixture fixture) => f = fixture;

    [Fact]
    public void AreThoseSavedFilesHold()
    {
        // Two extractors of the paper's architecture (3 convolutions, the last fine-tuned), Adapt (own frozen layers), Ensemble (a head each).
        var model = new MixtureModel(f.Extractors[..2],
            new MixtureOptions { FrozenNormalization = FrozenNormalization.Adapt, Aggregation = Aggregation.Ensemble, TopK = 2 });
        string[] layers = { "frozen.layers.0.0", "frozen.layers.0.1", "frozen.layers.0.2", "convs.0.0" };
        var parameters = layers.SelectMany(l => ConvParameters.Select(p => $"{l}.{p}"))
            .Append("gate.theta")
            .Concat(from head in new[] { 0, 1 } from layer in new[] { 0, 1, 2 } from p in new[] { "weight", "bias" } select $"heads.{head}.layers.{layer}.{p}")
            .ToList();
        var buffers = layers.SelectMany(l => ConvBuffers.Select(b => $"{l}.{b}"));

        Assert.Equal(parameters, model.Network.named_parameters().Select(p => p.name));
        Assert.Equal(parameters.Concat(buffers), model.Network.state_dict().Keys);
    }
}
