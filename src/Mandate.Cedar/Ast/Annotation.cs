using Mandate.Cedar.Syntax;

namespace Mandate.Cedar.Ast;

/// <summary>An annotation <c>@key("value")</c>; <see cref="Value"/> is null for <c>@key</c>.</summary>
public sealed record Annotation(string Key, string? Value)
{
    /// <summary>Where the annotation starts.</summary>
    public SourceLocation Location { get; init; }
}
