using System.Collections.Concurrent;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Syntax;

namespace Mandate.Authorization;

/// <summary>
/// Entity type names as requests spell them (<c>Agent</c>, <c>App::Table</c>), parsed once: every decision names
/// three entities, and the same few types recur. Only valid names are remembered, and only so many.
/// </summary>
public static class EntityTypeNames
{
    private const int MaxRemembered = 4096;
    private static readonly ConcurrentDictionary<string, Name> Parsed = new(StringComparer.Ordinal);

    /// <summary>The Cedar name of <paramref name="text"/>.</summary>
    /// <exception cref="CedarParseException"><paramref name="text"/> is not a Cedar name.</exception>
    public static Name Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Parsed.TryGetValue(text, out var name))
        {
            return name;
        }

        name = CedarParser.ParseName(text);
        if (Parsed.Count < MaxRemembered)
        {
            Parsed.TryAdd(text, name);
        }

        return name;
    }
}
