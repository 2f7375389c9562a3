using Mandate.Core.Errors;

namespace Mandate.Core.Administration;

/// <summary>Shape rules for supplied text, shared by every administrative operation.</summary>
internal static class InputRules
{
    public const int MaxDisplayName = 200;
    public const int MaxDescription = 2000;
    public const int MaxLabels = 64;
    public const int MaxLabelKey = 63;
    public const int MaxLabelValue = 256;

    public static string RequireId(string? id, string field)
    {
        if (!MandateId.IsValid(id))
        {
            throw MandateException.Invalid(field,
                $"{field} `{Truncate(id)}` is not a valid id: use 1 to {MandateId.MaxLength} letters, digits or `. _ - : @`, starting with a letter or digit");
        }

        return id!;
    }

    public static string RequireText(string? value, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw MandateException.Invalid(field, $"{field} is required");
        }

        return OptionalText(value, field, max)!;
    }

    public static string? OptionalText(string? value, string field, int max)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > max)
        {
            throw MandateException.Invalid(field, $"{field} is longer than {max} characters");
        }

        if (value.Any(char.IsControl))
        {
            throw MandateException.Invalid(field, $"{field} must not contain control characters");
        }

        return value.Trim();
    }

    public static IReadOnlyDictionary<string, string> Labels(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal).AsReadOnly();
        }

        if (labels.Count > MaxLabels)
        {
            throw MandateException.Invalid("labels", $"at most {MaxLabels} labels are allowed");
        }

        var result = new Dictionary<string, string>(labels.Count, StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            if (key.Length is 0 or > MaxLabelKey || !key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-' or '/'))
            {
                throw MandateException.Invalid("labels",
                    $"label key `{Truncate(key)}` must be 1 to {MaxLabelKey} lower-case letters, digits or `. _ - /`");
            }

            result[key] = OptionalText(value, $"labels.{key}", MaxLabelValue) ?? string.Empty;
        }

        return result.AsReadOnly();
    }

    public static string Truncate(string? value) =>
        value is null ? string.Empty : value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 61), "...");
}
