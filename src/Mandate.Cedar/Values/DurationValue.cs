using System.Globalization;

namespace Mandate.Cedar.Values;

/// <summary>The <c>duration</c> extension value: a signed number of milliseconds.</summary>
public sealed class DurationValue(long milliseconds) : CedarValue
{
    private static readonly (string Unit, long Factor)[] Units =
    [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ];

    /// <summary>The length in milliseconds.</summary>
    public long Milliseconds { get; } = milliseconds;

    /// <inheritdoc />
    public override CedarType Type => CedarType.Duration;

    /// <summary>
    /// Parses <c>-?(Nd)?(Nh)?(Nm)?(Ns)?(Nms)?</c> with at least one part; returns an error message when the
    /// text is malformed or does not fit in 64 bits of milliseconds.
    /// </summary>
    public static bool TryParse(string text, out DurationValue value, out string error)
    {
        value = null!;
        error = "invalid duration pattern";
        var negative = text.StartsWith('-');
        var position = negative ? 1 : 0;
        if (position == text.Length)
        {
            return false;
        }

        Int128 total = 0;
        var overflow = false;
        var nextUnit = 0;
        while (position < text.Length)
        {
            var digitsStart = position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            var unitStart = position;
            while (position < text.Length && char.IsAsciiLetter(text[position]))
            {
                position++;
            }

            // Units appear at most once each, largest first.
            var unit = text[unitStart..position];
            var index = Array.FindIndex(Units, nextUnit, u => u.Unit == unit);
            if (unitStart == digitsStart || index < 0)
            {
                return false;
            }

            nextUnit = index + 1;
            if (ulong.TryParse(text.AsSpan(digitsStart, unitStart - digitsStart), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            {
                total += (Int128)amount * Units[index].Factor;
            }
            else
            {
                overflow = true;
            }
        }

        // All parts share the sign, so the total fits in 64 bits exactly when every partial sum does.
        total = negative ? -total : total;
        if (overflow || total < long.MinValue || total > long.MaxValue)
        {
            error = "duration overflows internal representation";
            return false;
        }

        value = new DurationValue((long)total);
        error = string.Empty;
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(CedarValue? other) => other is DurationValue d && d.Milliseconds == Milliseconds;

    /// <inheritdoc />
    public override int GetHashCode() => Milliseconds.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"duration(\"{Milliseconds}ms\")");
}
