using MoePS.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Training;

/// <summary>
/// torch.optim.Adam as TorchSharp 0.107 implements it (Modules.Adam.step, operation for operation, its state and state
/// dictionary unchanged), with every Scalar explicit and alive for the whole update: TorchSharp's own step converts
/// β₁, 1 − β₁, the weight decay, ε and the step size implicitly, and such a temporary can be freed by the finalizer
/// thread while libtorch reads it (README, Reliability; <see cref="HeldScalars"/>).
/// </summary>
internal sealed class HeldScalarAdam : Adam
{
    public HeldScalarAdam(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(groups, lr, beta1, beta2, eps, weightDecay)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, weightDecay = options.weight_decay!.Value;
        double eps = options.eps!.Value, lr = options.LearningRate!.Value;
        bool amsgrad = options.amsgrad!.Value, maximize = options.maximize!.Value;
        using Scalar decay = weightDecay.ToScalar(), keepBeta1 = beta1.ToScalar(), newShare1 = (1 - beta1).ToScalar(),
            keepBeta2 = beta2.ToScalar(), newShare2 = (1 - beta2).ToScalar(), epsilon = eps.ToScalar();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            if (maximize) grad = -grad;
            state.step += 1;
            double biasCorrection1 = 1 - Math.Pow(beta1, state.step), biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            if (weightDecay != 0) grad = grad.add(param, decay);
            state.exp_avg.mul_(keepBeta1).add_(grad, newShare1);
            state.exp_avg_sq.mul_(keepBeta2).addcmul_(grad, grad.conj(), newShare2);
            using Scalar correction2 = Math.Sqrt(biasCorrection2).ToScalar(), stepSize = (-(lr / biasCorrection1)).ToScalar();
            Tensor denominator;
            if (amsgrad)
            {
                var previous = state.max_exp_avg_sq;
                state.max_exp_avg_sq = maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                previous.Dispose();
                denominator = state.max_exp_avg_sq.sqrt().div(correction2).add_(epsilon, HeldScalars.One);
            }
            else
            {
                denominator = state.exp_avg_sq.sqrt().div(correction2).add_(epsilon, HeldScalars.One);
            }
            param.addcdiv_(state.exp_avg, denominator, stepSize);
        }
    }, closure);
}

/// <summary>
/// torch.optim.SGD as TorchSharp 0.107 implements it (Modules.SGD.step, operation for operation), with explicit Scalars
/// alive for the whole update instead of the implicit conversions of the weight decay, momentum and learning rate (see
/// <see cref="HeldScalarAdam"/>).
/// </summary>
internal sealed class HeldScalarSgd : SGD
{
    public HeldScalarSgd(IEnumerable<ParamGroup> groups, double lr, double momentum, double weightDecay)
        : base(groups, lr, momentum, weight_decay: weightDecay)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        double momentum = options.momentum!.Value, dampening = options.dampening!.Value, weightDecay = options.weight_decay!.Value;
        bool nesterov = options.nesterov!.Value, maximize = options.maximize!.Value;
        double lr = options.LearningRate!.Value;
        using Scalar decay = weightDecay.ToScalar(), keep = momentum.ToScalar(), newShare = (1 - dampening).ToScalar(),
            rate = (maximize ? lr : -lr).ToScalar();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            if (weightDecay != 0) grad = grad.add(param, decay);
            if (momentum != 0)
            {
                var buffer = state.momentum_buffer;
                if (buffer is null)
                {
                    buffer = grad.clone().detach().DetachFromDisposeScope();
                    state.momentum_buffer = buffer;
                }
                else
                {
                    buffer.mul_(keep).add_(grad, newShare);
                }
                grad = nesterov ? grad.add(buffer, keep) : buffer;
                state.momentum_buffer = buffer;
            }
            param.add_(grad, rate);
        }
    }, closure);
}
