using Repro.Torch;
using Repro.Torch.Modules;

namespace Repro.Models;

/// <summary>
/// A network that maps inputs to K logits z through a final linear layer. That layer is exposed
/// because the paper's logit-scale control rescales it (last-layer rescaling, Repro.Dynamics.LogitScale).
/// </summary>
public abstract class Classifier : Module<Tensor, Tensor>
{
    /// <summary>The final layer, whose outputs are the logits z.</summary>
    public abstract Linear LogitLayer { get; }
}
