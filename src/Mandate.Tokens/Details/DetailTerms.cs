using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Tokens.Details;

/// <summary>The Cedar terms inside a <c>mandate</c> detail: actions and resources, read and compared canonically.</summary>
internal static class DetailTerms
{
    private const int MaxLength = 256;

    /// <summary>The canonical text of an action, or null when it is not one: a bare name, or an entity reference of an <c>Action</c> type.</summary>
    public static string? CanonicalAction(string text)
    {
        if (text.Length is 0 or > MaxLength || text.Any(char.IsControl))
        {
            return null;
        }

        if (!text.Contains("::", StringComparison.Ordinal))
        {
            return text;
        }

        var uid = TryEntity(text);
        if (uid is null || uid.EntityType.Basename != "Action")
        {
            return null;
        }

        return uid.EntityType.ToString() == "Action" ? uid.Id : uid.ToString();
    }

    /// <summary>The canonical text of a resource (an entity reference or an entity type), or null when it is neither.</summary>
    public static string? CanonicalResource(string text)
    {
        if (text.Length is 0 or > MaxLength)
        {
            return null;
        }

        if (text.Contains('"', StringComparison.Ordinal))
        {
            return TryEntity(text)?.ToString();
        }

        try
        {
            return CedarParser.ParseName(text).ToString();
        }
        catch (CedarParseException)
        {
            return null;
        }
    }

    public static EntityUid Action(string canonical) =>
        canonical.Contains("::", StringComparison.Ordinal) ? CedarParser.ParseEntityUid(canonical) : EntityUid.Of("Action", canonical);

    /// <summary>Whether resource term <paramref name="granted"/> covers resource term <paramref name="requested"/>.</summary>
    public static bool ResourceCovers(string granted, string requested)
    {
        if (string.Equals(granted, requested, StringComparison.Ordinal))
        {
            return true;
        }

        // A type covers every entity of that type; an entity covers only itself.
        return !granted.Contains('"', StringComparison.Ordinal)
            && requested.Contains('"', StringComparison.Ordinal)
            && CedarParser.ParseEntityUid(requested).EntityType.ToString() == granted;
    }

    /// <summary>Whether resource term <paramref name="granted"/> covers the entity <paramref name="resource"/>.</summary>
    public static bool ResourceCovers(string granted, EntityUid resource) =>
        granted.Contains('"', StringComparison.Ordinal)
            ? CedarParser.ParseEntityUid(granted).Equals(resource)
            : resource.EntityType.ToString() == granted;

    private static EntityUid? TryEntity(string text)
    {
        try
        {
            return CedarParser.ParseEntityUid(text);
        }
        catch (CedarParseException)
        {
            return null;
        }
    }
}
