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
        var negative = text.StartsWith('-');
        var position = negative ? 1 : 0;
        var parts = new ulong?[Units.Length];
        var nextUnit = 0;
        var overflow = false;
        if (position == text.Length)
        {
            error = "invalid duration pattern";
            return false;
        }

        while (position < text.Length)
        {
            var start = position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            if (position == start)
            {
                error = "invalid duration pattern";
                return false;
            }

            var digits = text.AsSpan(start, position - start);
            var unitStart = position;
            while (position < text.Length && char.IsAsciiLetter(text[position]))
            {
                position++;
            }

            var unit = text[unitStart..position];
            var index = Array.FindIndex(Units, nextUnit, u => u.Unit == unit);
            if (index < 0)
            {
                error = "invalid duration pattern";
                return false;
            }

            nextUnit = index + 1;
            if (ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            {
                parts[index] = amount;
            }
            else
            {
                overflow = true;
            }
        }

        error = "duration overflows internal representation";
        if (overflow)
        {
            return false;
        }

        // Accumulate from the smallest unit up, as the reference does, so overflow is detected identically.
        try
        {
            long total = 0;
            for (var i = Units.Length - 1; i >= 0; i--)
            {
                var amount = parts[i] ?? 0;
                if (amount > long.MaxValue && !(negative && amount == (ulong)long.MaxValue + 1 && Units[i].Factor == 1))
                {
                    return false;
                }

                long contribution;
                if (amount == (ulong)long.MaxValue + 1)
                {
                    contribution = long.MinValue;
                    total = checked(total + contribution);
                    continue;
                }

                contribution = checked((long)amount * Units[i].Factor);
                total = negative ? checked(total - contribution) : checked(total + contribution);
            }

            value = new DurationValue(total);
            error = string.Empty;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public override bool Equals(CedarValue? other) => other is DurationValue d && d.Milliseconds == Milliseconds;

    /// <inheritdoc />
    public override int GetHashCode() => Milliseconds.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"duration(\"{Milliseconds}ms\")");
}
