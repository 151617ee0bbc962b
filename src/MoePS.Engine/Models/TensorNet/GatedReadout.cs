using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MoePS.Engine.Models.TensorNet;

/// <summary>
/// MatGL's WeightedReadOut for extensive targets: a gated MLP on each atom's node_feat, layers(x)·gates(x), where both
/// stacks are Linear+SiLU blocks ending in a Linear to one number, the gate's passed through a sigmoid.
/// The submodule is named <c>gated</c> with sequences <c>layers</c> and <c>gates</c>, as in the state_dict.
/// </summary>
public sealed class GatedReadout : Module
{
    readonly GatedMlp gated;

    /// <param name="units">Width of node_feat and of the hidden layers.</param>
    /// <param name="hiddenLayers">Linear+SiLU blocks before the last Linear (three in MatGL's TensorNet: dims [units, units]).</param>
    public GatedReadout(int units, int hiddenLayers) : base(nameof(GatedReadout))
    {
        gated = new GatedMlp(units, hiddenLayers);
        RegisterComponents();
    }

    /// <summary>One number per atom, [atoms].</summary>
    public Tensor PerAtom(Tensor nodeFeatures) => gated.forward(nodeFeatures).squeeze(-1);

    sealed class GatedMlp : Module<Tensor, Tensor>
    {
        readonly Sequential layers;
        readonly Sequential gates;

        public GatedMlp(int units, int hiddenLayers) : base(nameof(GatedMlp))
        {
            layers = Stack(units, hiddenLayers, null);
            gates = Stack(units, hiddenLayers, Sigmoid());
            RegisterComponents();
        }

        static Sequential Stack(int units, int hiddenLayers, Module<Tensor, Tensor>? last)
        {
            var modules = new List<Module<Tensor, Tensor>>();
            for (int i = 0; i < hiddenLayers; i++)
            {
                modules.Add(Linear(units, units));
                modules.Add(SiLU());
            }
            modules.Add(Linear(units, 1));
            if (last != null) modules.Add(last);
            return Sequential(modules.ToArray());
        }

        public override Tensor forward(Tensor x) => layers.forward(x) * gates.forward(x);
    }
}
