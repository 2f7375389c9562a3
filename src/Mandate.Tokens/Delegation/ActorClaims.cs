using System.Text.Json;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Delegation;

/// <summary>
/// The RFC 8693 <c>act</c> and <c>may_act</c> claims. <c>act</c> nests prior actors: the outermost <c>sub</c> is the
/// current actor, each inner <c>act</c> the one before it. Read and written as a list, current actor first.
/// </summary>
public static class ActorClaims
{
    /// <summary>Deepest <c>act</c> nesting read from a token.</summary>
    public const int MaxDepth = 12;

    /// <summary>The actors of a token's <c>act</c> claim, current actor first; empty when it has none.</summary>
    /// <exception cref="JoseException">The claim is malformed.</exception>
    public static IReadOnlyList<string> Read(JsonElement claims)
    {
        if (!claims.TryGetProperty("act", out var act))
        {
            return [];
        }

        var actors = new List<string>();
        while (true)
        {
            if (act.ValueKind != JsonValueKind.Object || CompactJws.StringMember(act, "sub") is not { Length: > 0 } actor)
            {
                throw new JoseException("the token's `act` claim must be an object with a `sub`");
            }

            actors.Add(actor);
            if (actors.Count > MaxDepth)
            {
                throw new JoseException($"the token's `act` chain is deeper than {MaxDepth}");
            }

            if (!act.TryGetProperty("act", out act))
            {
                return actors;
            }
        }
    }

    /// <summary>Writes <c>act</c> for <paramref name="actors"/> (current actor first); nothing when there are none.</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<string> actors)
    {
        for (var i = 0; i < actors.Count; i++)
        {
            writer.WritePropertyName("act");
            writer.WriteStartObject();
            writer.WriteString("sub", actors[i]);
        }

        for (var i = 0; i < actors.Count; i++)
        {
            writer.WriteEndObject();
        }
    }

    /// <summary>The identity a token's <c>may_act</c> claim names, or null.</summary>
    /// <exception cref="JoseException">The claim is malformed.</exception>
    public static string? ReadMayAct(JsonElement claims) =>
        !claims.TryGetProperty("may_act", out var mayAct) ? null
        : mayAct.ValueKind == JsonValueKind.Object && CompactJws.StringMember(mayAct, "sub") is { Length: > 0 } sub ? sub
        : throw new JoseException("the token's `may_act` claim must be an object with a `sub`");

    /// <summary>Writes <c>may_act</c> naming <paramref name="actor"/>.</summary>
    public static void WriteMayAct(Utf8JsonWriter writer, string actor)
    {
        writer.WriteStartObject("may_act");
        writer.WriteString("sub", actor);
        writer.WriteEndObject();
    }

    /// <summary>The chain as nested objects, for introspection responses.</summary>
    public static Dictionary<string, object>? ToObject(IReadOnlyList<string> actors)
    {
        Dictionary<string, object>? inner = null;
        for (var i = actors.Count - 1; i >= 0; i--)
        {
            var current = new Dictionary<string, object> { ["sub"] = actors[i] };
            if (inner is not null)
            {
                current["act"] = inner;
            }

            inner = current;
        }

        return inner;
    }
}
