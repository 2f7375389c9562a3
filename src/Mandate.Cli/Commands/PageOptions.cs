using System.CommandLine;
using System.Globalization;
using Mandate.Cli.Http;

namespace Mandate.Cli.Commands;

/// <summary>A listing's <c>--limit</c> and <c>--cursor</c>, what they add to its query, and how a page says there is more.</summary>
internal sealed class PageOptions(int defaultLimit = 50, string limit = "Page size", string cursor = "Cursor from a previous page")
{
    public Option<int> Limit { get; } = new("--limit") { Description = limit, DefaultValueFactory = _ => defaultLimit };

    public Option<string?> Cursor { get; } = new("--cursor") { Description = cursor };

    /// <summary>Prints where the next page starts, when there is one.</summary>
    public static void WriteMore(TextWriter output, string? next)
    {
        if (next is not null)
        {
            output.WriteLine($"more: --cursor {next}");
        }
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Limit);
        command.Options.Add(Cursor);
    }

    /// <summary>Adds the options as the user set them to <paramref name="query"/>.</summary>
    public QueryString Query(ParseResult parse, QueryString? query = null) => (query ?? new QueryString())
        .Add("limit", parse.GetValue(Limit).ToString(CultureInfo.InvariantCulture))
        .Add("cursor", parse.GetValue(Cursor));
}
