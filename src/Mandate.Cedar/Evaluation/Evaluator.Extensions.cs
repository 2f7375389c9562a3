using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

internal sealed partial class Evaluator
{
    private const long MillisecondsPerDay = 86_400_000;

    internal CedarValue? ExtensionCall(string function, ReadOnlySpan<CedarValue> args) =>
        TryExtensionCall(function, args, out var value, out var error) ? value : Fail(error);

    /// <summary>Applies an extension function; on failure returns false with the reason.</summary>
    internal static bool TryExtensionCall(string function, ReadOnlySpan<CedarValue> args, out CedarValue value, out string error)
    {
        value = null!;
        error = string.Empty;
        switch (function)
        {
            case "decimal":
                return Constructor<DecimalValue>(function, args, DecimalValue.TryParse, out value, out error);
            case "ip":
                return Constructor<IpAddrValue>(function, args, IpAddrValue.TryParse, out value, out error);
            case "datetime":
                return Constructor<DatetimeValue>(function, args, DatetimeValue.TryParse, out value, out error);
            case "duration":
                return Constructor<DurationValue>(function, args, DurationValue.TryParse, out value, out error);
            case "lessThan":
                return Pair<DecimalValue>(function, args, "decimal", (a, b) => BoolValue.Of(a.Scaled < b.Scaled), out value, out error);
            case "lessThanOrEqual":
                return Pair<DecimalValue>(function, args, "decimal", (a, b) => BoolValue.Of(a.Scaled <= b.Scaled), out value, out error);
            case "greaterThan":
                return Pair<DecimalValue>(function, args, "decimal", (a, b) => BoolValue.Of(a.Scaled > b.Scaled), out value, out error);
            case "greaterThanOrEqual":
                return Pair<DecimalValue>(function, args, "decimal", (a, b) => BoolValue.Of(a.Scaled >= b.Scaled), out value, out error);
            case "isIpv4":
                return Single<IpAddrValue>(function, args, "ipaddr", ip => BoolValue.Of(ip.IsIpv4), out value, out error);
            case "isIpv6":
                return Single<IpAddrValue>(function, args, "ipaddr", ip => BoolValue.Of(ip.IsIpv6), out value, out error);
            case "isLoopback":
                return Single<IpAddrValue>(function, args, "ipaddr", ip => BoolValue.Of(ip.IsLoopback), out value, out error);
            case "isMulticast":
                return Single<IpAddrValue>(function, args, "ipaddr", ip => BoolValue.Of(ip.IsMulticast), out value, out error);
            case "isInRange":
                return Pair<IpAddrValue>(function, args, "ipaddr", (a, b) => BoolValue.Of(a.IsInRange(b)), out value, out error);
            case "offset":
                if (!Arity(function, args, 2, out error) || !As<DatetimeValue>(args[0], "datetime", out var start, out error) || !As<DurationValue>(args[1], "duration", out var offset, out error))
                {
                    return false;
                }

                return Checked(function, start.EpochMilliseconds, offset.Milliseconds, add: true, ms => new DatetimeValue(ms), out value, out error);
            case "durationSince":
                if (!Arity(function, args, 2, out error) || !As<DatetimeValue>(args[0], "datetime", out var end, out error) || !As<DatetimeValue>(args[1], "datetime", out var since, out error))
                {
                    return false;
                }

                return Checked(function, end.EpochMilliseconds, since.EpochMilliseconds, add: false, ms => new DurationValue(ms), out value, out error);
            case "toDate":
                if (!Arity(function, args, 1, out error) || !As<DatetimeValue>(args[0], "datetime", out var date, out error))
                {
                    return false;
                }

                return Checked(function, date.EpochMilliseconds, Remainder(date.EpochMilliseconds), add: false, ms => new DatetimeValue(ms), out value, out error);
            case "toTime":
                return Single<DatetimeValue>(function, args, "datetime", d => new DurationValue(Remainder(d.EpochMilliseconds)), out value, out error);
            case "toMilliseconds":
                return Single<DurationValue>(function, args, "duration", d => new LongValue(d.Milliseconds), out value, out error);
            case "toSeconds":
                return Single<DurationValue>(function, args, "duration", d => new LongValue(d.Milliseconds / 1000), out value, out error);
            case "toMinutes":
                return Single<DurationValue>(function, args, "duration", d => new LongValue(d.Milliseconds / 60_000), out value, out error);
            case "toHours":
                return Single<DurationValue>(function, args, "duration", d => new LongValue(d.Milliseconds / 3_600_000), out value, out error);
            case "toDays":
                return Single<DurationValue>(function, args, "duration", d => new LongValue(d.Milliseconds / MillisecondsPerDay), out value, out error);
            default:
                error = $"unknown extension function `{function}`";
                return false;
        }
    }

    private delegate bool TextParser<T>(string text, out T value, out string error);

    // The non-negative remainder of a day: the time of day for dates before 1970 too.
    private static long Remainder(long epoch) => ((epoch % MillisecondsPerDay) + MillisecondsPerDay) % MillisecondsPerDay;

    private static bool Constructor<T>(string function, ReadOnlySpan<CedarValue> args, TextParser<T> parse, out CedarValue value, out string error)
        where T : CedarValue
    {
        value = null!;
        if (!Arity(function, args, 1, out error))
        {
            return false;
        }

        if (args[0] is not StringValue text)
        {
            error = TypeErrorMessage("a string", args[0]);
            return false;
        }

        if (!parse(text.Value, out var parsed, out var reason))
        {
            error = Failed(function, reason);
            return false;
        }

        value = parsed;
        return true;
    }

    private static bool Single<T>(string function, ReadOnlySpan<CedarValue> args, string typeName, Func<T, CedarValue> apply, out CedarValue value, out string error)
        where T : CedarValue
    {
        value = null!;
        if (!Arity(function, args, 1, out error) || !As<T>(args[0], typeName, out var operand, out error))
        {
            return false;
        }

        value = apply(operand);
        return true;
    }

    private static bool Pair<T>(string function, ReadOnlySpan<CedarValue> args, string typeName, Func<T, T, CedarValue> apply, out CedarValue value, out string error)
        where T : CedarValue
    {
        value = null!;
        if (!Arity(function, args, 2, out error) || !As<T>(args[0], typeName, out var first, out error) || !As<T>(args[1], typeName, out var second, out error))
        {
            return false;
        }

        value = apply(first, second);
        return true;
    }

    private static bool Checked(string function, long a, long b, bool add, Func<long, CedarValue> wrap, out CedarValue value, out string error)
    {
        var result = add ? (Int128)a + b : (Int128)a - b;
        if (result < long.MinValue || result > long.MaxValue)
        {
            value = null!;
            error = Failed(function, "overflow");
            return false;
        }

        value = wrap((long)result);
        error = string.Empty;
        return true;
    }

    private static bool As<T>(CedarValue value, string typeName, out T typed, out string error)
        where T : CedarValue
    {
        typed = (value as T)!;
        error = typed is null ? TypeErrorMessage($"a {typeName}", value) : string.Empty;
        return typed is not null;
    }

    private static bool Arity(string function, ReadOnlySpan<CedarValue> args, int expected, out string error)
    {
        error = args.Length == expected
            ? string.Empty
            : $"wrong number of arguments in call to `{function}`: expected {expected}, got {args.Length}";
        return args.Length == expected;
    }

    private static string Failed(string function, string message) =>
        $"error while evaluating `{function}` extension function: {message}";
}
