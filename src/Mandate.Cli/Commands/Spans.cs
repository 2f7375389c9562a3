using System.CommandLine.Parsing;
using System.Globalization;

namespace Mandate.Cli.Commands;

/// <summary>Time spans on the command line: a positive number and <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>, for example <c>15m</c> or <c>90d</c>.</summary>
internal static class Spans
{
    public static TimeSpan? Parse(ArgumentResult result)
    {
        var text = Text(result);
        if (Read(text) is { } span)
        {
            return span;
        }

        result.AddError($"`{text}` is not a span: use a positive number and s, m, h or d, for example 15m");
        return null;
    }

    // A span's text as Parse accepts it, or null.
    private static TimeSpan? Read(string text)
    {
        if (text.Length < 2 || !long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is <= 0 or > 1_000_000)
        {
            return null;
        }

        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    private static string Text(ArgumentResult result) => result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;

    /// <summary>As <see cref="Parse(ArgumentResult)"/>, refusing a span outside <paramref name="least"/>..<paramref name="most"/>.</summary>
    public static TimeSpan? Parse(ArgumentResult result, TimeSpan least, TimeSpan most)
    {
        if (Parse(result) is not { } span)
        {
            return null;
        }

        if (span < least || span > most)
        {
            var option = (result.Parent as OptionResult)?.Option.Name;
            result.AddError($"`{result.Tokens[0].Value}` is out of range{(option is null ? string.Empty : $" for {option}")}: use {Format(least)} to {Format(most)}");
            return null;
        }

        return span;
    }

    /// <summary>
    /// A point in time: a span from now (<c>90d</c>) or an ISO 8601 time with its offset (<c>2027-01-31T00:00:00Z</c>).
    /// </summary>
    public static DateTimeOffset? ParseTime(ArgumentResult result)
    {
        var text = Text(result);
        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        if (Read(text) is { } span)
        {
            return DateTimeOffset.UtcNow + span;
        }

        result.AddError($"`{text}` is neither a span (90d) nor an ISO 8601 time (2027-01-31T00:00:00Z)");
        return null;
    }

    /// <summary>A span as <see cref="Parse(ArgumentResult)"/> reads it, in its largest whole unit (<c>90s</c>, <c>1m</c>, <c>1h</c>).</summary>
    public static string Format(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.Ticks / TimeSpan.TicksPerDay}d"
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{span.Ticks / TimeSpan.TicksPerHour}h"
        : span.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{span.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{(long)span.TotalSeconds}s";
}
