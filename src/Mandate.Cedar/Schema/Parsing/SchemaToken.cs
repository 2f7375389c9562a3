namespace Mandate.Cedar.Schema.Parsing;

internal enum SchemaTokenKind
{
    Identifier,
    String,
    Punctuation,
    End,
}

internal readonly record struct SchemaToken(SchemaTokenKind Kind, string Text, SourcePosition Position)
{
    public bool Is(string punctuation) => Kind == SchemaTokenKind.Punctuation && Text == punctuation;

    public bool IsKeyword(string word) => Kind == SchemaTokenKind.Identifier && Text == word;

    public string Describe() => Kind switch
    {
        SchemaTokenKind.End => "end of input",
        SchemaTokenKind.String => "a string",
        _ => $"`{Text}`",
    };
}
