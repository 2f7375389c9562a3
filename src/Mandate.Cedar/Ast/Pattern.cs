using System.Collections.Immutable;
using System.Text;

namespace Mandate.Cedar.Ast;

/// <summary>One element of a <c>like</c> pattern: a wildcard <c>*</c> or a literal run of text.</summary>
public readonly record struct PatternElement(bool IsWildcard, string Literal)
{
    /// <summary>The <c>*</c> wildcard.</summary>
    public static PatternElement Wildcard { get; } = new(true, string.Empty);
}

/// <summary>A <c>like</c> pattern: literal text and <c>*</c> wildcards (a literal star is written <c>\*</c>).</summary>
public sealed record Pattern(ImmutableArray<PatternElement> Elements)
{
    private readonly int[] _program = Compile(Elements);

    /// <summary>Whether <paramref name="text"/> matches the whole pattern.</summary>
    public bool IsMatch(string text)
    {
        // Classic glob matching over UTF-16 units with backtracking to the last wildcard; -1 is the wildcard.
        var program = _program;
        int p = 0, t = 0, star = -1, starText = 0;
        while (t < text.Length)
        {
            if (p < program.Length && program[p] != -1 && program[p] == text[t])
            {
                p++;
                t++;
            }
            else if (p < program.Length && program[p] == -1)
            {
                star = p++;
                starText = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++starText;
            }
            else
            {
                return false;
            }
        }

        while (p < program.Length && program[p] == -1)
        {
            p++;
        }

        return p == program.Length;
    }

    private static int[] Compile(ImmutableArray<PatternElement> elements)
    {
        var program = new List<int>();
        foreach (var element in elements)
        {
            if (element.IsWildcard)
            {
                program.Add(-1);
            }
            else
            {
                foreach (var c in element.Literal)
                {
                    program.Add(c);
                }
            }
        }

        return [.. program];
    }

    /// <summary>The pattern written as the content of a Cedar string literal (literal stars escaped).</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var element in Elements)
        {
            if (element.IsWildcard)
            {
                builder.Append('*');
            }
            else
            {
                var quoted = Values.CedarText.Quote(element.Literal);
                builder.Append(quoted.AsSpan(1, quoted.Length - 2).ToString().Replace("*", "\\*", StringComparison.Ordinal));
            }
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public bool Equals(Pattern? other) => other is not null && Elements.SequenceEqual(other.Elements);

    /// <inheritdoc />
    public override int GetHashCode() => Elements.Length;
}
