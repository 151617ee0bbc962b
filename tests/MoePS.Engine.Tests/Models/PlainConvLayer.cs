using MoePS.Engine.Models.Mixture;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Models;

/// <summary>CGCNN's ConvLayer written the plain way (the paper's code), with torch's own Linear and BatchNorm1d.</summary>
internal sealed class PlainConvLayer : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly TorchSharp.Modules.Linear fc;
    readonly TorchSharp.Modules.BatchNorm1d bn1, bn2;
    readonly int f, e;

    public PlainConvLayer(ConvLayerWeights w) : base("plain")
    {
        f = w.AtomFeatureLength;
        e = w.EdgeFeatureLength;
        fc = nn.Linear(2 * f + e, 2 * f);
        bn1 = nn.BatchNorm1d(2 * f);
        bn2 = nn.BatchNorm1d(f);
        using (no_grad())
        {
            fc.weight!.copy_(w.FcWeight); fc.bias!.copy_(w.FcBias);
            bn1.weight!.copy_(w.Bn1Weight); bn1.bias!.copy_(w.Bn1Bias); bn1.running_mean!.copy_(w.Bn1RunningMean); bn1.running_var!.copy_(w.Bn1RunningVar);
            bn2.weight!.copy_(w.Bn2Weight); bn2.bias!.copy_(w.Bn2Bias); bn2.running_mean!.copy_(w.Bn2RunningMean); bn2.running_var!.copy_(w.Bn2RunningVar);
        }
        RegisterComponents();
    }

    /// <param name="atoms">[N, F].</param>
    /// <param name="nbrIdx">[N, M] neighbour indices.</param>
    /// <param name="edges">[N·M, E] edge features.</param>
    public override Tensor forward(Tensor atoms, Tensor nbrIdx, Tensor edges)
    {
        long n = atoms.shape[0], m = nbrIdx.shape[1];
        var nbr = atoms.index_select(0, nbrIdx.reshape(-1)).view(n, m, f);
        var z = cat(new[] { atoms.unsqueeze(1).expand(n, m, f), nbr, edges.view(n, m, e) }, 2);
        var g = bn1.forward(fc.forward(z).view(n * m, 2 * f)).view(n, m, 2 * f);
        var s = (sigmoid(g[.., .., ..f]) * nn.functional.softplus(g[.., .., f..])).sum(1);
        return nn.functional.softplus(atoms + bn2.forward(s));
    }

    public Tensor RunningMean1 => bn1.running_mean!;
    public Tensor RunningVar1 => bn1.running_var!;
    public Tensor RunningVar2 => bn2.running_var!;
    public Tensor FcWeightGrad => fc.weight!.grad!;
    public Tensor FcBiasGrad => fc.bias!.grad!;
    public Tensor Bn1WeightGrad => bn1.weight!.grad!;
    public Tensor Bn1BiasGrad => bn1.bias!.grad!;
    public Tensor Bn2BiasGrad => bn2.bias!.grad!;
}
