using System.Text.Json;
using System.Text.Json.Serialization;

namespace MoePS.Engine.Benchmarks;

/// <summary>Writes a <see cref="GateScoreDictionary"/> as a JSON object, keeping the extractor order.</summary>
sealed class GateScoreMapJsonConverter : JsonConverter<GateScoreDictionary>
{
    public override GateScoreDictionary Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return GateScoreDictionary.Empty;
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("Gate scores must be a JSON object of extractor name → score.");
        var scores = new List<KeyValuePair<string, double>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            reader.Read();
            scores.Add(new(name, reader.GetDouble()));
        }
        return scores.Count == 0 ? GateScoreDictionary.Empty : new GateScoreDictionary(scores);
    }

    public override void Write(Utf8JsonWriter writer, GateScoreDictionary value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, score) in value) writer.WriteNumber(name, score);
        writer.WriteEndObject();
    }
}
