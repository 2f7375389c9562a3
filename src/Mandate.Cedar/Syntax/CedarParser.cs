using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Syntax;

/// <summary>Parses Cedar policy text. Every method throws <see cref="CedarParseException"/> on invalid input.</summary>
public static class CedarParser
{
    /// <summary>
    /// Parses a policy file: zero or more policies and templates, named <c>policy0</c>, <c>policy1</c>, ... in
    /// file order.
    /// </summary>
    public static PolicySet ParsePolicySet(string text) => new(new Parser(text).ParsePolicies());

    /// <summary>Parses the policies of a file without building a policy set.</summary>
    public static IReadOnlyList<Policy> ParsePolicies(string text) => new Parser(text).ParsePolicies();

    /// <summary>Parses exactly one policy or template and gives it <paramref name="id"/>.</summary>
    public static Policy ParsePolicy(string text, string id = "policy0")
    {
        var parser = new Parser(text);
        var policy = parser.ParsePolicy(id);
        parser.ExpectEnd("the policy");
        return policy;
    }

    /// <summary>Parses a single expression such as <c>principal.age &gt; 18</c>.</summary>
    public static Expr ParseExpression(string text)
    {
        var parser = new Parser(text);
        var expr = parser.ParseExpression();
        parser.ExpectEnd("the expression");
        return expr;
    }

    /// <summary>Parses an entity reference such as <c>User::"alice"</c>.</summary>
    public static EntityUid ParseEntityUid(string text)
    {
        var parser = new Parser(text);
        var uid = parser.ReadEntityUid();
        parser.ExpectEnd("the entity reference");
        return uid;
    }

    /// <summary>Parses a name such as <c>Acme::Photo</c>, written exactly: no spaces or comments.</summary>
    public static Name ParseName(string text)
    {
        var parser = new Parser(text);
        var name = parser.ReadName("a name");
        parser.ExpectEnd("the name");
        if (!string.Equals(name.FullName, text, StringComparison.Ordinal))
        {
            throw new CedarParseException($"`{text}` is not written as a plain name: remove spaces and comments", SourceLocation.Start);
        }

        return name;
    }
}
