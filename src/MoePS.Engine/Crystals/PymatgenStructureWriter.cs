using System.Text.Json;

namespace MoePS.Engine.Crystals;

/// <summary>Writes a <see cref="Crystal"/> as pymatgen's <c>Structure.as_dict()</c> JSON, the form <see cref="PymatgenStructure"/> reads.</summary>
public static class PymatgenStructureWriter
{
    public static void Write(Utf8JsonWriter json, Crystal crystal)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(crystal);
        json.WriteStartObject();
        json.WriteString("@module", "pymatgen.core.structure");
        json.WriteString("@class", "Structure");
        json.WriteNumber("charge", 0);
        json.WritePropertyName("lattice");
        WriteLattice(json, crystal.Lattice);
        json.WriteStartArray("sites");
        foreach (var site in crystal.Sites)
        {
            json.WriteStartObject();
            json.WriteStartArray("species");
            json.WriteStartObject();
            json.WriteString("element", site.Element.Symbol);
            json.WriteNumber("occu", 1);
            json.WriteEndObject();
            json.WriteEndArray();
            WriteVector(json, "abc", site.Fractional);
            WriteVector(json, "xyz", site.Cartesian);
            json.WriteString("label", site.Label);
            json.WriteStartObject("properties");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    static void WriteLattice(Utf8JsonWriter json, Lattice lattice)
    {
        json.WriteStartObject();
        json.WriteStartArray("matrix");
        for (int r = 0; r < 3; r++)
        {
            json.WriteStartArray();
            for (int c = 0; c < 3; c++) json.WriteNumberValue(lattice[r, c]);
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteStartArray("pbc");
        for (int i = 0; i < 3; i++) json.WriteBooleanValue(true);
        json.WriteEndArray();
        json.WriteNumber("a", lattice.A);
        json.WriteNumber("b", lattice.B);
        json.WriteNumber("c", lattice.C);
        json.WriteNumber("alpha", lattice.Alpha);
        json.WriteNumber("beta", lattice.Beta);
        json.WriteNumber("gamma", lattice.Gamma);
        json.WriteNumber("volume", lattice.Volume);
        json.WriteEndObject();
    }

    static void WriteVector(Utf8JsonWriter json, string name, double[] v)
    {
        json.WriteStartArray(name);
        foreach (double x in v) json.WriteNumberValue(x);
        json.WriteEndArray();
    }
}
