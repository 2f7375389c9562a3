using System.Globalization;

namespace Mandate.Cedar.Values;

/// <summary>The <c>decimal</c> extension value: a fixed-point number with four fractional digits.</summary>
public sealed class DecimalValue(long scaled) : CedarValue
{
    private const int FractionDigits = 4;
    private const long Scale = 10_000;

    /// <summary>The value multiplied by 10^4.</summary>
    public long Scaled { get; } = scaled;

    /// <inheritdoc />
    public override CedarType Type => CedarType.Decimal;

    /// <summary>
    /// Parses <c>-?digits.digits</c> with one to four fractional digits; returns an error message when the
    /// text is malformed or out of range.
    /// </summary>
    public static bool TryParse(string text, out DecimalValue value, out string error)
    {
        value = null!;
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var negative = text.StartsWith('-');
        var integerStart = negative ? 1 : 0;
        if (point <= integerStart || point == text.Length - 1 || !AllDigits(text, integerStart, point) || !AllDigits(text, point + 1, text.Length))
        {
            error = $"`{text}` is not a well-formed decimal value";
            return false;
        }

        var fraction = text[(point + 1)..];
        if (fraction.Length > FractionDigits)
        {
            error = $"too many digits after the decimal in `{text}`";
            return false;
        }

        error = "overflow when converting to decimal";
        if (!long.TryParse(text.AsSpan(0, point), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return false;
        }

        var fractionValue = long.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture);
        for (var i = fraction.Length; i < FractionDigits; i++)
        {
            fractionValue *= 10;
        }

        try
        {
            var scaledWhole = checked(whole * Scale);
            var total = negative ? checked(scaledWhole - fractionValue) : checked(scaledWhole + fractionValue);
            value = new DecimalValue(total);
            error = string.Empty;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static bool AllDigits(string text, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(CedarValue? other) => other is DecimalValue d && d.Scaled == Scaled;

    /// <inheritdoc />
    public override int GetHashCode() => Scaled.GetHashCode();

    /// <inheritdoc />
    public override string ToString()
    {
        var whole = Scaled / Scale;
        var fraction = Math.Abs(Scaled % Scale);
        var sign = Scaled < 0 && whole == 0 ? "-" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"decimal(\"{sign}{whole}.{fraction:D4}\")");
    }
}
