namespace MoePS.Engine.Models.GatedMessages;

/// <summary>
/// BatchNorm of one batch as per-channel float coefficients (pointers to [C] floats): y = x·Scale + Offset, and the
/// normalised x̂ = x·Invstd + Centre its backward pass needs (Scale = weight·invstd, Offset = bias − mean·Scale,
/// Centre = −mean·invstd).
/// </summary>
internal readonly record struct BatchNormTerms(nint Scale, nint Offset, nint Invstd, nint Centre);
