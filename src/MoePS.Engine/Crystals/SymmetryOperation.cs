using System.Globalization;

namespace MoePS.Engine.Crystals;

/// <summary>A space-group operation on fractional coordinates, x' = R·x + t, parsed from CIF's "x,y,z" notation.</summary>
public sealed class SymmetryOperation
{
    readonly double[,] rotation;
    readonly double[] translation;

    SymmetryOperation(double[,] rotation, double[] translation)
    {
        this.rotation = rotation;
        this.translation = translation;
    }

    public static SymmetryOperation Identity { get; } = Parse("x,y,z");

    public double[] Apply(double[] f)
    {
        var r = new double[3];
        for (int i = 0; i < 3; i++)
            r[i] = rotation[i, 0] * f[0] + rotation[i, 1] * f[1] + rotation[i, 2] * f[2] + translation[i];
        return r;
    }

    /// <summary>Parses e.g. "x,y,z", "-x+1/2,y,-z", "1/2+y, x-y, z+0.25". Throws <see cref="FormatException"/> when malformed.</summary>
    public static SymmetryOperation Parse(string text)
    {
        string[] parts = text.Replace(" ", "").ToLowerInvariant().Split(',');
        if (parts.Length != 3) throw new FormatException($"'{text}' does not have three comma-separated components.");
        var rot = new double[3, 3];
        var trans = new double[3];
        for (int row = 0; row < 3; row++)
        {
            string s = parts[row];
            if (s.Length == 0) throw new FormatException($"'{text}' has an empty component.");
            int p = 0;
            while (p < s.Length)
            {
                double sign = 1;
                if (s[p] == '+' || s[p] == '-') { sign = s[p] == '-' ? -1 : 1; p++; }
                double? coef = ReadNumber(s, ref p, text);
                if (p < s.Length && s[p] == '*') p++;
                if (p < s.Length && s[p] is 'x' or 'y' or 'z')
                {
                    rot[row, s[p] - 'x'] += sign * (coef ?? 1);
                    p++;
                }
                else if (coef != null) trans[row] += sign * coef.Value;
                else throw new FormatException($"cannot read '{s}' in symmetry operation '{text}'.");
            }
        }
        return new SymmetryOperation(rot, trans);
    }

    static double? ReadNumber(string s, ref int p, string text)
    {
        int start = p;
        while (p < s.Length && (char.IsDigit(s[p]) || s[p] == '.')) p++;
        if (p == start) return null;
        double value = double.Parse(s[start..p], CultureInfo.InvariantCulture);
        if (p < s.Length && s[p] == '/')
        {
            int d = ++p;
            while (p < s.Length && char.IsDigit(s[p])) p++;
            if (p == d) throw new FormatException($"fraction without denominator in '{text}'.");
            double den = double.Parse(s[d..p], CultureInfo.InvariantCulture);
            if (den == 0) throw new FormatException($"division by zero in '{text}'.");
            value /= den;
        }
        return value;
    }
}
