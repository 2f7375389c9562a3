using Mandate.Core.Errors;
using Mandate.Core.Storage;

namespace Mandate.Server.Admin;

/// <summary>Reads <c>limit</c> and <c>cursor</c> query parameters into a <see cref="PageRequest"/>.</summary>
internal static class Paging
{
    public static PageRequest From(int? limit, string? cursor) =>
        limit is null ? new PageRequest(PageRequest.DefaultLimit, cursor)
        : limit is < 1 or > PageRequest.MaxLimit ? throw MandateException.Invalid("limit", $"limit must be between 1 and {PageRequest.MaxLimit}")
        : new PageRequest(limit.Value, cursor);
}
