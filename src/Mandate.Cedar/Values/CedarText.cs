using System.Globalization;
using System.Text;

namespace Mandate.Cedar.Values;

/// <summary>Writes strings as Cedar string literals.</summary>
public static class CedarText
{
    /// <summary>Quotes and escapes <paramref name="value"/> so the Cedar parser reads it back unchanged.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\0': builder.Append("\\0"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f)
                    {
                        builder.Append("\\u{").Append(rune.Value.ToString("x", CultureInfo.InvariantCulture)).Append('}');
                    }
                    else
                    {
                        builder.Append(rune.ToString());
                    }

                    break;
            }
        }

        builder.Append('"');
        return builder.ToString();
    }
}
