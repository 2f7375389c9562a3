namespace Mandate.Core.Events;

/// <summary>
/// Which caller-supplied <c>X-Request-ID</c> values are taken as they are: echoed on the answer (AuthZEN requires the
/// same identifier back), passed on to Mandate and recorded in events. Anything else is replaced by the server's own
/// trace identifier.
/// </summary>
public static class RequestIds
{
    /// <summary>The longest request id taken: long composite ids fit, and an event field stays bounded.</summary>
    public const int MaxLength = 1024;

    /// <summary>
    /// Whether <paramref name="value"/> is 1 to <see cref="MaxLength"/> characters of printable ASCII, spaces and tabs
    /// (what an HTTP field value holds, without the obsolete non-ASCII bytes).
    /// </summary>
    public static bool IsAcceptable(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > MaxLength)
        {
            return false;
        }

        // On every request: a loop, not LINQ over the string.
        foreach (var c in value)
        {
            if (c is not ('\t' or (>= ' ' and <= '~')))
            {
                return false;
            }
        }

        return true;
    }
}
