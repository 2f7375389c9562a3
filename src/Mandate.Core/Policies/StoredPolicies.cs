using Mandate.Cedar.Ast;
using Mandate.Cedar.Syntax;
using Mandate.Core.Errors;

namespace Mandate.Core.Policies;

/// <summary>Parses stored policy documents into Cedar policies with Mandate's naming rule.</summary>
public static class StoredPolicies
{
    /// <summary>
    /// Parses a document's text. The policies inside are named <c>{id}</c> when there is one, and
    /// <c>{id}#0</c>, <c>{id}#1</c>, ... in text order when there are several.
    /// </summary>
    /// <exception cref="MandateException"><c>invalid_argument</c> with the line and column of the first error.</exception>
    public static IReadOnlyList<Policy> Parse(string documentId, string text)
    {
        IReadOnlyList<Policy> parsed;
        try
        {
            parsed = CedarParser.ParsePolicies(text);
        }
        catch (CedarParseException ex)
        {
            throw MandateException.Invalid("text", $"policy `{documentId}` line {ex.Line}, column {ex.Column}: {ex.Reason}");
        }

        return Name(documentId, parsed);
    }

    /// <summary>Applies the naming rule to policies parsed from one document; refuses an empty document and templates.</summary>
    /// <exception cref="MandateException"><c>invalid_argument</c>.</exception>
    public static IReadOnlyList<Policy> Name(string documentId, IReadOnlyList<Policy> parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (parsed.Count == 0)
        {
            throw MandateException.Invalid("text", $"policy `{documentId}` contains no policy");
        }

        if (parsed.Any(p => p.IsTemplate))
        {
            throw MandateException.Invalid("text", $"policy `{documentId}` is a template (it uses `?principal` or `?resource`); store only static policies");
        }

        return parsed.Count == 1
            ? [parsed[0] with { Id = documentId }]
            : [.. parsed.Select((p, i) => p with { Id = $"{documentId}#{i}" })];
    }
}
