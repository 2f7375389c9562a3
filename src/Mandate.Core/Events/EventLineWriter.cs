using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mandate.Core.Events;

/// <summary>
/// Writes one canonical event line straight into a buffer. Strings are escaped exactly as
/// <see cref="JsonEncodedText.Encode(string, System.Text.Encodings.Web.JavaScriptEncoder?)"/> escapes them (what
/// queries search for), but the common case, printable ASCII that needs no escaping, is copied as is.
/// </summary>
internal ref struct EventLineWriter(IBufferWriter<byte> output)
{
    // Printable ASCII that the default JSON encoder leaves alone: everything from space to tilde except
    // the characters it escapes (quote, backslash, and the HTML-sensitive & ' + < > `).
    private static readonly SearchValues<char> Verbatim = SearchValues.Create(
        " !#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~");

    // Longest "O" form of a UTC instant: 2026-11-20T10:00:00.0000000Z.
    private const int TimeLength = 28;

    private readonly IBufferWriter<byte> _output = output;

    public readonly void Begin(long sequence)
    {
        Literal("{\"seq\":"u8);
        var span = _output.GetSpan(20);
        Utf8Formatter.TryFormat(sequence, span, out var written);
        _output.Advance(written);
    }

    public readonly void End() => Literal("}"u8);

    public readonly void Time(DateTimeOffset time)
    {
        Name("time"u8);
        var span = _output.GetSpan(TimeLength + 2);
        span[0] = (byte)'"';
        time.UtcDateTime.TryFormat(span[1..], out var written, "O", CultureInfo.InvariantCulture);
        span[written + 1] = (byte)'"';
        _output.Advance(written + 2);
    }

    public readonly void Raw(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Name(name);
        var span = _output.GetSpan(value.Length + 2);
        span[0] = (byte)'"';
        value.CopyTo(span[1..]);
        span[value.Length + 1] = (byte)'"';
        _output.Advance(value.Length + 2);
    }

    public readonly void Text(ReadOnlySpan<byte> name, string value)
    {
        Name(name);
        Value(value);
    }

    public readonly void Optional(ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            Text(name, value);
        }
    }

    public readonly void List(ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        Name(name);
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

    private readonly void Name(ReadOnlySpan<byte> name)
    {
        var span = _output.GetSpan(name.Length + 4);
        span[0] = (byte)',';
        span[1] = (byte)'"';
        name.CopyTo(span[2..]);
        span[name.Length + 2] = (byte)'"';
        span[name.Length + 3] = (byte)':';
        _output.Advance(name.Length + 4);
    }

    private readonly void Value(string value)
    {
        if (value.AsSpan().ContainsAnyExcept(Verbatim))
        {
            var encoded = JsonEncodedText.Encode(value).EncodedUtf8Bytes;
            var escaped = _output.GetSpan(encoded.Length + 2);
            escaped[0] = (byte)'"';
            encoded.CopyTo(escaped[1..]);
            escaped[encoded.Length + 1] = (byte)'"';
            _output.Advance(encoded.Length + 2);
            return;
        }

        var span = _output.GetSpan(value.Length + 2);
        span[0] = (byte)'"';
        var written = Encoding.ASCII.GetBytes(value, span[1..]);
        span[written + 1] = (byte)'"';
        _output.Advance(written + 2);
    }

    private readonly void Literal(ReadOnlySpan<byte> bytes)
    {
        var span = _output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        _output.Advance(bytes.Length);
    }
}
