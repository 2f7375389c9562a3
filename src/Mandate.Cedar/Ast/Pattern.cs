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
    private readonly Matcher _matcher = new(Elements);

    /// <summary>Whether <paramref name="text"/> matches the whole pattern, in time linear in the text and the pattern.</summary>
    public bool IsMatch(string text) => _matcher.IsMatch(text);

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

    /// <summary>
    /// Matches with `*` as the only wildcard: the first literal run must start the text and the last must end
    /// it; every run between stars is taken at its leftmost place after the previous one, which is always
    /// where a match can put it. Each run is searched with Knuth-Morris-Pratt, so no text can make matching
    /// slower than linear (backtracking glob matching is quadratic on inputs such as `*a*a*a*b`).
    /// </summary>
    private sealed class Matcher
    {
        private readonly string[] _runs;
        private readonly int[][] _failures;

        public Matcher(ImmutableArray<PatternElement> elements)
        {
            var runs = new List<string>();
            var current = new StringBuilder();
            foreach (var element in elements)
            {
                if (element.IsWildcard)
                {
                    runs.Add(current.ToString());
                    current.Clear();
                }
                else
                {
                    current.Append(element.Literal);
                }
            }

            runs.Add(current.ToString());
            _runs = [.. runs];
            _failures = [.. runs.Select(Failure)];
        }

        public bool IsMatch(string text)
        {
            var first = _runs[0];
            if (_runs.Length == 1)
            {
                return string.Equals(text, first, StringComparison.Ordinal);
            }

            var last = _runs[^1];
            if (text.Length < first.Length + last.Length
                || !text.StartsWith(first, StringComparison.Ordinal)
                || !text.EndsWith(last, StringComparison.Ordinal))
            {
                return false;
            }

            var position = first.Length;
            var end = text.Length - last.Length;
            for (var i = 1; i < _runs.Length - 1; i++)
            {
                var found = Find(text.AsSpan(position, end - position), _runs[i], _failures[i]);
                if (found < 0)
                {
                    return false;
                }

                position += found + _runs[i].Length;
            }

            return true;
        }

        private static int Find(ReadOnlySpan<char> text, string run, int[] failure)
        {
            if (run.Length == 0)
            {
                return 0;
            }

            var matched = 0;
            for (var t = 0; t < text.Length; t++)
            {
                while (matched > 0 && text[t] != run[matched])
                {
                    matched = failure[matched - 1];
                }

                if (text[t] == run[matched] && ++matched == run.Length)
                {
                    return t - run.Length + 1;
                }
            }

            return -1;
        }

        // failure[i]: the length of the longest proper prefix of run[..(i + 1)] that is also its suffix.
        private static int[] Failure(string run)
        {
            var failure = new int[run.Length];
            for (int i = 1, k = 0; i < run.Length; i++)
            {
                while (k > 0 && run[i] != run[k])
                {
                    k = failure[k - 1];
                }

                if (run[i] == run[k])
                {
                    k++;
                }

                failure[i] = k;
            }

            return failure;
        }
    }
}
