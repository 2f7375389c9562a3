using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mandate.Core.Events;

/// <summary>
/// Writes one canonical event line into a span sized for its worst case (<see cref="MaxLength"/>), so a line is one
/// request to the output buffer rather than one per field. Strings are escaped exactly as
/// <see cref="JsonEncodedText.Encode(string, System.Text.Encodings.Web.JavaScriptEncoder?)"/> escapes them (what
/// queries search for), but the common case, printable ASCII that needs no escaping, is copied as is.
/// </summary>
internal ref struct EventLineWriter(Span<byte> output)
{
    // Printable ASCII that the default JSON encoder leaves alone: everything from space to tilde except
    // the characters it escapes (quote, backslash, and the HTML-sensitive & ' + < > `).
    private static readonly SearchValues<char> Verbatim = SearchValues.Create(
        " !#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~");

    // The default encoder writes any UTF-16 unit it escapes as \uXXXX: six bytes at most per character.
    private const int MaxBytesPerChar = 6;

    // Every field name with its punctuation and quotes (about 250 bytes), the sequence number (at most 20), the time
    // (28, as in 2026-11-20T10:00:00.0000000Z) and the category (at most 17), with room to spare.
    private const int FixedLength = 512;

    private readonly Span<byte> _output = output;
    private int _written;

    /// <summary>Bytes written so far.</summary>
    public readonly int Written => _written;

    /// <summary>An upper bound on the length of a line whose strings hold <paramref name="characters"/> UTF-16 units and whose lists hold <paramref name="items"/> entries.</summary>
    public static int MaxLength(int characters, int items) => FixedLength + (MaxBytesPerChar * characters) + (3 * items);

    public void Begin(long sequence)
    {
        Literal("{\"seq\":"u8);
        Utf8Formatter.TryFormat(sequence, _output[_written..], out var written);
        _written += written;
    }

    public void End() => Literal("}"u8);

    public void Time(DateTimeOffset time)
    {
        Literal(",\"time\":\""u8);
        time.UtcDateTime.TryFormat(_output[_written..], out var written, "O", CultureInfo.InvariantCulture);
        _written += written;
        Literal("\""u8);
    }

    /// <summary>A field whose value needs no escaping; <paramref name="name"/> carries its punctuation (<c>,"name":</c>).</summary>
    public void Raw(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Literal(name);
        Literal("\""u8);
        Literal(value);
        Literal("\""u8);
    }

    /// <summary>A string field; <paramref name="name"/> carries its punctuation (<c>,"name":</c>).</summary>
    public void Text(ReadOnlySpan<byte> name, ReadOnlySpan<char> value)
    {
        Literal(name);
        Value(value);
    }

    public void Optional(ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            Text(name, value);
        }
    }

    public void List(ReadOnlySpan<byte> name, IReadOnlyList<string>? values)
    {
        if (values is null || values.Count == 0)
        {
            return;
        }

        Literal(name);
        Literal("["u8);
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                Literal(","u8);
            }

            Value(values[i]);
        }

        Literal("]"u8);
    }

    private void Value(ReadOnlySpan<char> value)
    {
        _output[_written++] = (byte)'"';
        if (value.ContainsAnyExcept(Verbatim))
        {
            Literal(JsonEncodedText.Encode(value).EncodedUtf8Bytes);
        }
        else
        {
            Ascii.FromUtf16(value, _output[_written..], out var written);
            _written += written;
        }

        _output[_written++] = (byte)'"';
    }

    private void Literal(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_output[_written..]);
        _written += bytes.Length;
    }
}
