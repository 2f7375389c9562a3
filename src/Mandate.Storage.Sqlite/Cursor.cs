using System.Buffers.Text;
using System.Text;
using Mandate.Core.Errors;
using Mandate.Core.Storage;

namespace Mandate.Storage.Sqlite;

/// <summary>Keyset paging: the cursor is the base64url of the last key returned.</summary>
internal static class Cursor
{
    public static string? Decode(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        try
        {
            var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return key.Length > 0 ? key : throw new FormatException();
        }
        catch (FormatException)
        {
            throw MandateException.Invalid("cursor", $"cursor `{(cursor.Length > 40 ? cursor[..40] + "..." : cursor)}` is not a cursor returned by this API");
        }
    }

    public static void Validate(PageRequest page)
    {
        if (page.Limit is < 1 or > PageRequest.MaxLimit)
        {
            throw MandateException.Invalid("limit", $"limit must be between 1 and {PageRequest.MaxLimit}");
        }
    }

    /// <summary>Cuts the one extra row fetched to learn whether more follow, and encodes the next cursor.</summary>
    public static Page<T> Page<T>(List<T> rows, PageRequest page, Func<T, string> key)
    {
        if (rows.Count <= page.Limit)
        {
            return new Page<T>(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows, Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key(rows[^1]))));
    }
}
