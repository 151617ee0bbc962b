namespace MoePS.Engine.Crystals;

/// <summary>
/// Tokenises and parses CIF 1.1 text: data blocks, items, loops in any column order, quoted strings,
/// semicolon text fields and comments. Save frames are skipped. Errors name the file and line.
/// </summary>
public static class CifDocument
{
    public static List<CifBlock> Parse(string text, string path)
    {
        var tokens = Tokenise(text, path);
        var blocks = new List<CifBlock>();
        CifBlock? block = null;
        int i = 0;
        while (i < tokens.Count)
        {
            var t = tokens[i];
            if (IsKeyword(t, "data_", prefix: true))
            {
                block = new CifBlock(t.Text[5..], t.Line);
                blocks.Add(block);
                i++;
            }
            else if (IsKeyword(t, "save_", prefix: true))
            {
                // Save frames (dictionary definitions) never hold structures: skip to the closing "save_".
                i++;
                while (i < tokens.Count && !IsKeyword(tokens[i], "save_", prefix: false)) i++;
                i++;
            }
            else if (IsKeyword(t, "global_", prefix: false) || IsKeyword(t, "stop_", prefix: false))
            {
                i++;
            }
            else if (IsKeyword(t, "loop_", prefix: false))
            {
                if (block == null) throw new CrystalFormatException("loop_ before any data_ block.", path, t.Line);
                i++;
                var tags = new List<string>();
                while (i < tokens.Count && IsTag(tokens[i])) tags.Add(Normalise(tokens[i++].Text));
                if (tags.Count == 0) throw new CrystalFormatException("loop_ without column names.", path, t.Line);
                var values = new List<CifValue>();
                while (i < tokens.Count && !IsTag(tokens[i]) && !IsReserved(tokens[i])) values.Add(tokens[i++]);
                if (values.Count % tags.Count != 0)
                    throw new CrystalFormatException(
                        $"the loop of {tags[0]}… has {values.Count} values for {tags.Count} columns: the file is truncated or a row is incomplete.",
                        path, values.Count > 0 ? values[^1].Line : t.Line);
                var rows = new List<CifValue[]>();
                for (int r = 0; r < values.Count; r += tags.Count) rows.Add(values.GetRange(r, tags.Count).ToArray());
                block.Loops.Add(new CifLoop(tags, rows, t.Line));
            }
            else if (IsTag(t))
            {
                if (block == null) throw new CrystalFormatException($"{t.Text} before any data_ block.", path, t.Line);
                if (i + 1 >= tokens.Count || IsTag(tokens[i + 1]) || IsReserved(tokens[i + 1]))
                    throw new CrystalFormatException($"{t.Text} has no value (truncated file?).", path, t.Line);
                block.Items[Normalise(t.Text)] = tokens[i + 1];
                i += 2;
            }
            else
            {
                throw new CrystalFormatException($"unexpected value '{Shorten(t.Text)}' outside a loop.", path, t.Line);
            }
        }
        if (blocks.Count == 0) throw new CrystalFormatException("no data_ block: this is not a CIF file.", path);
        return blocks;
    }

    static string Normalise(string tag) => tag.ToLowerInvariant().Replace('.', '_');

    static bool IsTag(CifValue t) => !t.Quoted && t.Text.StartsWith('_');

    static bool IsKeyword(CifValue t, string word, bool prefix) =>
        !t.Quoted && (prefix ? t.Text.StartsWith(word, StringComparison.OrdinalIgnoreCase)
                             : t.Text.Equals(word, StringComparison.OrdinalIgnoreCase));

    static bool IsReserved(CifValue t) =>
        IsKeyword(t, "data_", true) || IsKeyword(t, "save_", true) || IsKeyword(t, "loop_", false)
        || IsKeyword(t, "global_", false) || IsKeyword(t, "stop_", false);

    static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    static List<CifValue> Tokenise(string text, string path)
    {
        var tokens = new List<CifValue>();
        var lines = text.Split('\n');
        for (int li = 0; li < lines.Length; li++)
        {
            string line = lines[li].TrimEnd('\r');
            int lineNo = li + 1;
            if (line.StartsWith(';'))
            {
                var field = new System.Text.StringBuilder(line[1..]);
                int start = lineNo;
                li++;
                while (li < lines.Length && !lines[li].StartsWith(';'))
                {
                    field.Append('\n').Append(lines[li].TrimEnd('\r'));
                    li++;
                }
                if (li >= lines.Length)
                    throw new CrystalFormatException("text field opened with ';' is never closed (truncated file?).", path, start);
                tokens.Add(new CifValue(field.ToString().Trim(), start, Quoted: true));
                continue;
            }
            int p = 0;
            while (p < line.Length)
            {
                char c = line[p];
                if (char.IsWhiteSpace(c)) { p++; continue; }
                if (c == '#') break;
                if (c == '\'' || c == '"')
                {
                    // A quote closes only when followed by whitespace or the end of the line (CIF 1.1).
                    int q = p + 1;
                    while (q < line.Length && !(line[q] == c && (q + 1 == line.Length || char.IsWhiteSpace(line[q + 1])))) q++;
                    if (q >= line.Length)
                        throw new CrystalFormatException($"unterminated quoted string starting {Shorten(line[p..])}.", path, lineNo);
                    tokens.Add(new CifValue(line[(p + 1)..q], lineNo, Quoted: true));
                    p = q + 1;
                    continue;
                }
                int e = p;
                while (e < line.Length && !char.IsWhiteSpace(line[e])) e++;
                tokens.Add(new CifValue(line[p..e], lineNo, Quoted: false));
                p = e;
            }
        }
        return tokens;
    }
}
