using System.Globalization;

namespace Mandate.Cedar.Values;

/// <summary>The <c>datetime</c> extension value: milliseconds since the Unix epoch (UTC, no leap seconds).</summary>
public sealed class DatetimeValue(long epochMilliseconds) : CedarValue
{
    private const long MillisecondsPerDay = 86_400_000;

    /// <summary>Milliseconds since 1970-01-01T00:00:00Z.</summary>
    public long EpochMilliseconds { get; } = epochMilliseconds;

    /// <inheritdoc />
    public override CedarType Type => CedarType.Datetime;

    /// <summary>
    /// Parses <c>YYYY-MM-DD</c> optionally followed by <c>Thh:mm:ss</c> and then <c>Z</c>, <c>.SSSZ</c>,
    /// <c>(+|-)hhmm</c> or <c>.SSS(+|-)hhmm</c>; returns an error message otherwise. Syntax is checked
    /// before ranges, left to right, as the reference does.
    /// </summary>
    public static bool TryParse(string text, out DatetimeValue value, out string error)
    {
        value = null!;
        if (!Digits(text, 0, 4) || !At(text, 4, '-') || !Digits(text, 5, 2) || !At(text, 7, '-') || !Digits(text, 8, 2))
        {
            error = "invalid date pattern";
            return false;
        }

        int year = Number(text, 0, 4), month = Number(text, 5, 2), day = Number(text, 8, 2);
        var dateValid = month is >= 1 and <= 12 && day >= 1 && day <= DaysInMonth(year, month);
        long timeMillis = 0;
        if (text.Length > 10)
        {
            if (!At(text, 10, 'T') || !Digits(text, 11, 2) || !At(text, 13, ':') || !Digits(text, 14, 2) || !At(text, 16, ':') || !Digits(text, 17, 2))
            {
                error = "invalid hour/minute/second pattern";
                return false;
            }

            var rest = text.AsSpan(19);
            var millis = 0;
            if (rest.Length >= 4 && rest[0] == '.' && Digits(text, 20, 3))
            {
                millis = Number(text, 20, 3);
                rest = rest[4..];
            }

            int offsetSign = 0, offsetHours = 0, offsetMinutes = 0;
            if (rest.Length == 5 && rest[0] is '+' or '-' && Digits(text, text.Length - 4, 4))
            {
                offsetSign = rest[0] == '+' ? 1 : -1;
                offsetHours = Number(text, text.Length - 4, 2);
                offsetMinutes = Number(text, text.Length - 2, 2);
            }
            else if (rest is not "Z")
            {
                error = "invalid millisecond and/or offset pattern";
                return false;
            }

            int hour = Number(text, 11, 2), minute = Number(text, 14, 2), second = Number(text, 17, 2);
            if (!dateValid)
            {
                error = $"invalid date: {text[..10]}";
                return false;
            }

            if (hour > 23 || minute > 59 || second > 59)
            {
                error = $"invalid hour/minute/second: {text[11..19]}";
                return false;
            }

            if (offsetHours >= 24 || offsetMinutes >= 60)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"invalid offset range: {offsetHours:D2}{offsetMinutes:D2}");
                return false;
            }

            // A positive offset means local time is ahead of UTC, so it is subtracted.
            var offsetSeconds = offsetSign * ((offsetHours * 3600L) + (offsetMinutes * 60L));
            timeMillis = ((((hour * 3600L) + (minute * 60L) + second) - offsetSeconds) * 1000L) + millis;
        }

        if (!dateValid)
        {
            error = $"invalid date: {text[..10]}";
            return false;
        }

        value = new DatetimeValue((DaysFromCivil(year, month, day) * MillisecondsPerDay) + timeMillis);
        error = string.Empty;
        return true;
    }

    private static bool At(string text, int index, char expected) => index < text.Length && text[index] == expected;

    private static bool Digits(string text, int start, int count)
    {
        if (start + count > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static int Number(string text, int start, int count) =>
        int.Parse(text.AsSpan(start, count), NumberStyles.None, CultureInfo.InvariantCulture);

    private static int DaysInMonth(int year, int month)
    {
        var leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return month switch
        {
            2 => leap ? 29 : 28,
            4 or 6 or 9 or 11 => 30,
            _ => 31,
        };
    }

    // Days since 1970-01-01 in the proleptic Gregorian calendar (valid for year 0 too).
    private static long DaysFromCivil(long year, long month, long day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yearOfEra = year - (era * 400);
        var dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146097) + dayOfEra - 719468;
    }

    /// <inheritdoc />
    public override bool Equals(CedarValue? other) => other is DatetimeValue d && d.EpochMilliseconds == EpochMilliseconds;

    /// <inheritdoc />
    public override int GetHashCode() => EpochMilliseconds.GetHashCode();

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"datetime(\"1970-01-01\").offset(duration(\"{EpochMilliseconds}ms\"))");
}
