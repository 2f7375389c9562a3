using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Mandate.Telemetry.Import;

/// <summary>Small helpers shared by the importers: reading optional JSON members and shaping dotted event types.</summary>
internal static class RecordText
{
    private const int MaxText = 4096;

    /// <summary>The string at <paramref name="path"/> (member names), or null when absent, null or not a string.</summary>
    public static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? Clip(element.GetString()) : null;
    }

    /// <summary>The object at <paramref name="name"/>, or an undefined element.</summary>
    public static JsonElement Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var member) ? member : default;

    public static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;

    /// <summary>An address only when it is one; logs also put service names where the address goes.</summary>
    public static string? Address(string? text) => text is not null && IPAddress.TryParse(text, out _) ? text : null;

    /// <summary>A dotted-type word: <c>GetObject</c> -> <c>get_object</c>, anything outside <c>[a-z0-9_-]</c> dropped.</summary>
    public static string Word(string text)
    {
        var word = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterUpper(c))
            {
                if (i > 0 && (char.IsAsciiLetterLower(text[i - 1]) || char.IsAsciiDigit(text[i - 1]) || (i + 1 < text.Length && char.IsAsciiLetterLower(text[i + 1]) && char.IsAsciiLetterUpper(text[i - 1]))))
                {
                    word.Append('_');
                }

                word.Append(char.ToLowerInvariant(c));
            }
            else if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-')
            {
                word.Append(c);
            }
            else if (c is '/' or '.' or ':')
            {
                word.Append('_');
            }
        }

        return word.Length == 0 ? "unknown" : word.ToString();
    }

    private static string? Clip(string? text) => text is null || text.Length <= MaxText ? text : text[..MaxText];
}
