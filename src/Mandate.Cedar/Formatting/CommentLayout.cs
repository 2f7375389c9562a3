using Mandate.Cedar.Ast;
using Mandate.Cedar.Syntax;

namespace Mandate.Cedar.Formatting;

/// <summary>
/// Puts a policy file's comments into its canonical layout, keeping every comment and their order.
/// </summary>
/// <remarks>
/// Each line of a formatted policy stands for one part of it (<see cref="PolicyFormatter.Lines"/>), and a comment goes
/// with the part it sits in:
/// <list type="bullet">
/// <item>A comment after code on its line stays at the end of the line of the part that code belongs to.</item>
/// <item>A comment on a line of its own goes on a line of its own before the part the next token belongs to (a comma
/// belongs to the part it ends). A condition is printed on one line, so a comment inside one moves up above it. One
/// just before the final <c>;</c> goes after the policy.</item>
/// <item>A line takes at most one comment at its end, and only if no comment of its part comes later: otherwise they all
/// go on lines of their own above it, in order.</item>
/// <item>Between policies, comments separated by blank lines are groups. A group with no blank line before the next
/// policy stays right above it; the first group, if no blank line parts it from the policy before, stays right below
/// that one; any other group stands alone between blank lines.</item>
/// </list>
/// Formatting the result again gives the same text.
/// </remarks>
internal static class CommentLayout
{
    public static string Format(string text, IReadOnlyList<Policy> policies, IReadOnlyList<PolicyLayout> layouts, IReadOnlyList<Token> tokens, IReadOnlyList<Comment> comments)
    {
        var printed = new List<PrintedPolicy>(policies.Count);
        for (var i = 0; i < policies.Count; i++)
        {
            printed.Add(new PrintedPolicy(policies[i], layouts[i]));
        }

        // gaps[g]: the comments on lines of their own between policy g - 1 and policy g (before the first, after the last).
        var gaps = new List<Comment>[policies.Count + 1];
        for (var g = 0; g < gaps.Length; g++)
        {
            gaps[g] = [];
        }

        // Comments come in the text's order, so the policy each lies in or after (k: the last to start before it, -1 for
        // none) only moves forward.
        var k = -1;
        foreach (var comment in comments)
        {
            while (k + 1 < printed.Count && printed[k + 1].Start <= comment.Offset)
            {
                k++;
            }

            if (k >= 0 && comment.Offset < printed[k].Layout.End)
            {
                printed[k].Place(comment, tokens);
            }
            else if (k >= 0 && !comment.OwnLine)
            {
                printed[k].PlaceAfterEnd(comment);
            }
            else
            {
                gaps[k + 1].Add(comment);
            }
        }

        var blocks = new List<List<string>>();
        List<string>? open = null;
        for (var g = 0; g < gaps.Length; g++)
        {
            var previousEnd = g > 0 ? printed[g - 1].Layout.End : -1;
            var nextStart = g < printed.Count ? printed[g].Start : -1;
            var groups = Groups(text, gaps[g]);
            List<Comment>? leading = null;
            if (groups.Count > 0 && nextStart >= 0 && Lines(text, groups[^1][^1].Offset, nextStart) < 2)
            {
                leading = groups[^1];
                groups.RemoveAt(groups.Count - 1);
            }

            if (groups.Count > 0 && open is not null && Lines(text, previousEnd, groups[0][0].Offset) < 2)
            {
                open.AddRange(groups[0].Select(c => c.Text));
                groups.RemoveAt(0);
            }

            blocks.AddRange(groups.Select(group => group.Select(c => c.Text).ToList()));
            if (g < printed.Count)
            {
                open = [.. leading?.Select(c => c.Text) ?? [], .. printed[g].Render()];
                blocks.Add(open);
            }
        }

        return blocks.Count == 0 ? string.Empty : string.Join("\n\n", blocks.Select(block => string.Join('\n', block))) + "\n";
    }

    // Comments in a row, split where a blank line parts two of them.
    private static List<List<Comment>> Groups(string text, List<Comment> comments)
    {
        var groups = new List<List<Comment>>();
        for (var i = 0; i < comments.Count; i++)
        {
            if (i == 0 || Lines(text, comments[i - 1].Offset, comments[i].Offset) >= 2)
            {
                groups.Add([]);
            }

            groups[^1].Add(comments[i]);
        }

        return groups;
    }

    // How many line breaks lie between two offsets (2 or more: a blank line between what starts there).
    private static int Lines(string text, int from, int to) => from < 0 ? 2 : text.AsSpan(from, to - from).Count('\n');

    /// <summary>A policy's lines, and the comments that go with each of them.</summary>
    private sealed class PrintedPolicy
    {
        private readonly List<string> _lines;
        private readonly int[] _starts;
        private readonly List<Comment>[] _comments;
        private readonly List<Comment> _after = [];

        public PrintedPolicy(Policy policy, PolicyLayout layout)
        {
            Layout = layout;
            _lines = PolicyFormatter.Lines(policy);
            _starts =
            [
                .. policy.Annotations.Select(a => a.Location.Offset),
                layout.Effect, layout.Principal, layout.Action, layout.Resource, layout.Close,
                .. policy.Conditions.Select(c => c.Location.Offset),
            ];
            _comments = [.. _starts.Select(_ => new List<Comment>())];
            Start = _starts[0];
        }

        public PolicyLayout Layout { get; }

        /// <summary>Where the policy's first token starts.</summary>
        public int Start { get; }

        /// <summary>Files a comment that lies between the policy's first token and its final <c>;</c>.</summary>
        public void Place(Comment comment, IReadOnlyList<Token> tokens)
        {
            if (!comment.OwnLine)
            {
                _comments[PartAt(tokens[FirstAfter(tokens, comment.Offset) - 1].Location.Offset)].Add(comment);
                return;
            }

            // The part the next token belongs to (a comma ends the part before it).
            var next = FirstAfter(tokens, comment.Offset);
            if (tokens[next].Location.Offset >= Layout.End)
            {
                _after.Add(comment);
            }
            else
            {
                _comments[PartAt(tokens[next].Location.Offset)].Add(comment);
            }
        }

        /// <summary>Files a comment after the policy's final <c>;</c> on the same line.</summary>
        public void PlaceAfterEnd(Comment comment) =>
            (_after.Count > 0 ? _after : _comments[^1]).Add(comment with { OwnLine = _after.Count > 0 });

        public IEnumerable<string> Render()
        {
            for (var i = 0; i < _lines.Count; i++)
            {
                var comments = _comments[i];
                var trailing = comments.Count > 0 && !comments[^1].OwnLine && comments.Count(c => !c.OwnLine) == 1 ? comments[^1].Text : null;
                var indent = _lines[i][..(_lines[i].Length - _lines[i].TrimStart(' ').Length)];
                foreach (var comment in trailing is null ? comments : comments.Take(comments.Count - 1))
                {
                    yield return indent + comment.Text;
                }

                yield return trailing is null ? _lines[i] : _lines[i] + " " + trailing;
            }

            foreach (var comment in _after)
            {
                yield return comment.Text;
            }
        }

        // The part whose text holds the offset: the last one that starts at or before it.
        private int PartAt(int offset)
        {
            var part = 0;
            while (part + 1 < _starts.Length && _starts[part + 1] <= offset)
            {
                part++;
            }

            return part;
        }

        // The index of the first token that starts after the offset (the end of input at the latest).
        private static int FirstAfter(IReadOnlyList<Token> tokens, int offset)
        {
            int low = 0, high = tokens.Count - 1;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (tokens[middle].Location.Offset > offset)
                {
                    high = middle;
                }
                else
                {
                    low = middle + 1;
                }
            }

            return low;
        }
    }
}
