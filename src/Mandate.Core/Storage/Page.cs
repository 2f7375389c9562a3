namespace Mandate.Core.Storage;

/// <summary>One page of a listing and the opaque cursor of the next page (null at the end).</summary>
/// <typeparam name="T">Item type.</typeparam>
/// <param name="Items">Items in stable order.</param>
/// <param name="NextCursor">Pass back to continue; null when there is nothing more.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Paging arguments for a listing.</summary>
/// <param name="Limit">Maximum items to return, between 1 and <see cref="MaxLimit"/>.</param>
/// <param name="Cursor">Cursor from the previous page, or null for the first page.</param>
public sealed record PageRequest(int Limit = PageRequest.DefaultLimit, string? Cursor = null)
{
    /// <summary>Items per page when the caller does not say.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Largest page a caller may ask for.</summary>
    public const int MaxLimit = 1000;
}
