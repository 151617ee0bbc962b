namespace MoePS.Engine.Models;

/// <summary>
/// Sizes of a CGCNN (Xie &amp; Grossman) as in the reference code's CrystalGraphConvNet:
/// element features → embedding → ConvCount gated graph convolutions → mean pooling → head.
/// </summary>
public sealed record CgcnnArchitecture
{
    /// <summary>Length of the element feature vector (orig_atom_fea_len).</summary>
    public int AtomInputLength { get; init; } = 92;
    /// <summary>Length of the Gaussian edge expansion (nbr_fea_len).</summary>
    public int EdgeFeatureLength { get; init; } = 41;
    /// <summary>Atom feature size inside the convolutions; also the extractor's feature length (atom_fea_len).</summary>
    public int AtomFeatureLength { get; init; } = 64;
    /// <summary>Number of convolution layers (n_conv).</summary>
    public int ConvCount { get; init; } = 4;
    /// <summary>Hidden size of the head after pooling (h_fea_len).</summary>
    public int HiddenLength { get; init; } = 32;
    /// <summary>Number of hidden layers in the head (n_h); n_h − 1 extra h→h layers follow conv_to_fc.</summary>
    public int HiddenLayers { get; init; } = 1;

    public static CgcnnArchitecture Default { get; } = new();

    public void Validate()
    {
        if (AtomInputLength < 1 || EdgeFeatureLength < 1 || AtomFeatureLength < 1 || ConvCount < 1 || HiddenLength < 1 || HiddenLayers < 1)
            throw new ArgumentException($"Invalid CGCNN architecture {this}: every size and count must be at least 1.");
    }
}
