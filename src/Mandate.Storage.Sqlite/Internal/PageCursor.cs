using System.Buffers.Text;
using System.Text;
using Mandate.Core.Errors;
using Mandate.Core.Storage;

namespace Mandate.Storage.Sqlite.Internal;

/// <summary>Keyset paging: the opaque cursor is the base64url of the last key returned.</summary>
internal static class PageCursor
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static int ValidLimit(PageRequest page)
    {
        if (page.Limit is < 1 or > PageRequest.MaxLimit)
        {
            throw MandateException.Invalid("limit", $"limit must be between 1 and {PageRequest.MaxLimit}");
        }

        return page.Limit;
    }

    public static string? Decode(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        try
        {
            var key = StrictUtf8.GetString(Base64Url.DecodeFromChars(cursor));
            if (key.Length > 0 && Base64Url.EncodeToString(StrictUtf8.GetBytes(key)) == cursor)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }
        catch (DecoderFallbackException)
        {
        }

        throw MandateException.Invalid("cursor", "cursor is malformed; pass back the cursor of the previous page");
    }

    public static string Encode(string key) => Base64Url.EncodeToString(StrictUtf8.GetBytes(key));

    /// <summary>Trims the extra row fetched to learn whether another page follows.</summary>
    public static Page<T> ToPage<T>(List<T> rows, int limit, Func<T, string> key)
    {
        if (rows.Count <= limit)
        {
            return new Page<T>(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows, Encode(key(rows[^1])));
    }
}
