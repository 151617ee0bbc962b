namespace MoePS.Engine.Crystals;

/// <summary>One atom of a crystal: an element at fractional and Cartesian (Å) coordinates.</summary>
public sealed class Site
{
    public Site(Element element, double[] fractional, double[] cartesian, string? label = null)
    {
        Element = element;
        Fractional = fractional;
        Cartesian = cartesian;
        Label = label ?? element.Symbol;
    }

    public Element Element { get; }
    public double[] Fractional { get; }
    public double[] Cartesian { get; }
    public string Label { get; }

    public override string ToString() =>
        $"{Label} ({Fractional[0]:F4}, {Fractional[1]:F4}, {Fractional[2]:F4})";
}
