using System.Collections.Frozen;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

internal sealed partial class Evaluator
{
    private const long MillisecondsPerDay = 86_400_000;

    // Every extension function by name, resolved once when a policy is compiled rather than on every call.
    private static readonly FrozenDictionary<string, ExtensionFunction> Extensions = new Dictionary<string, ExtensionFunction>(StringComparer.Ordinal)
        {
            ["decimal"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Constructor<DecimalValue>("decimal", args, DecimalValue.TryParse, out value, out error),
            ["ip"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Constructor<IpAddrValue>("ip", args, IpAddrValue.TryParse, out value, out error),
            ["datetime"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Constructor<DatetimeValue>("datetime", args, DatetimeValue.TryParse, out value, out error),
            ["duration"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Constructor<DurationValue>("duration", args, DurationValue.TryParse, out value, out error),
            ["lessThan"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Pair<DecimalValue>("lessThan", args, "decimal", (a, b) => BoolValue.Of(a.Scaled < b.Scaled), out value, out error),
            ["lessThanOrEqual"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Pair<DecimalValue>("lessThanOrEqual", args, "decimal", (a, b) => BoolValue.Of(a.Scaled <= b.Scaled), out value, out error),
            ["greaterThan"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Pair<DecimalValue>("greaterThan", args, "decimal", (a, b) => BoolValue.Of(a.Scaled > b.Scaled), out value, out error),
            ["greaterThanOrEqual"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Pair<DecimalValue>("greaterThanOrEqual", args, "decimal", (a, b) => BoolValue.Of(a.Scaled >= b.Scaled), out value, out error),
            ["isIpv4"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Single<IpAddrValue>("isIpv4", args, "ipaddr", ip => BoolValue.Of(ip.IsIpv4), out value, out error),
            ["isIpv6"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Single<IpAddrValue>("isIpv6", args, "ipaddr", ip => BoolValue.Of(ip.IsIpv6), out value, out error),
            ["isLoopback"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Single<IpAddrValue>("isLoopback", args, "ipaddr", ip => BoolValue.Of(ip.IsLoopback), out value, out error),
            ["isMulticast"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Single<IpAddrValue>("isMulticast", args, "ipaddr", ip => BoolValue.Of(ip.IsMulticast), out value, out error),
            ["isInRange"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Pair<IpAddrValue>("isInRange", args, "ipaddr", (a, b) => BoolValue.Of(a.IsInRange(b)), out value, out error),
            ["offset"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
            {
                value = null!;
                if (!Arity("offset", args, 2, out error) || !As<DatetimeValue>(args[0], "datetime", out var start, out error) || !As<DurationValue>(args[1], "duration", out var offset, out error))
                {
                    return false;
                }

                return Checked("offset", start.EpochMilliseconds, offset.Milliseconds, add: true, ms => new DatetimeValue(ms), out value, out error);
            },
            ["durationSince"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
            {
                value = null!;
                if (!Arity("durationSince", args, 2, out error) || !As<DatetimeValue>(args[0], "datetime", out var end, out error) || !As<DatetimeValue>(args[1], "datetime", out var since, out error))
                {
                    return false;
                }

                return Checked("durationSince", end.EpochMilliseconds, since.EpochMilliseconds, add: false, ms => new DurationValue(ms), out value, out error);
            },
            ["toDate"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
            {
                value = null!;
                if (!Arity("toDate", args, 1, out error) || !As<DatetimeValue>(args[0], "datetime", out var date, out error))
                {
                    return false;
                }

                return Checked("toDate", date.EpochMilliseconds, Remainder(date.EpochMilliseconds), add: false, ms => new DatetimeValue(ms), out value, out error);
            },
            ["toTime"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Single<DatetimeValue>("toTime", args, "datetime", d => new DurationValue(Remainder(d.EpochMilliseconds)), out value, out error),
            ["toMilliseconds"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Single<DurationValue>("toMilliseconds", args, "duration", d => new LongValue(d.Milliseconds), out value, out error),
            ["toSeconds"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Single<DurationValue>("toSeconds", args, "duration", d => new LongValue(d.Milliseconds / 1000), out value, out error),
            ["toMinutes"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Single<DurationValue>("toMinutes", args, "duration", d => new LongValue(d.Milliseconds / 60_000), out value, out error),
            ["toHours"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Single<DurationValue>("toHours", args, "duration", d => new LongValue(d.Milliseconds / 3_600_000), out value, out error),
            ["toDays"] = (ReadOnlySpan<CedarValue> args, out CedarValue value, out string error) =>
                Single<DurationValue>("toDays", args, "duration", d => new LongValue(d.Milliseconds / MillisecondsPerDay), out value, out error),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>An extension function: on failure it returns false with the reason.</summary>
    internal delegate bool ExtensionFunction(ReadOnlySpan<CedarValue> args, out CedarValue value, out string error);

    /// <summary>The extension function of that name, or null when there is none.</summary>
    internal static ExtensionFunction? FindExtension(string function) => Extensions.GetValueOrDefault(function);

    internal CedarValue? ExtensionCall(string function, ReadOnlySpan<CedarValue> args) =>
        TryExtensionCall(function, args, out var value, out var error) ? value : Fail(error);

    internal CedarValue? ExtensionCall(ExtensionFunction function, ReadOnlySpan<CedarValue> args) =>
        function(args, out var value, out var error) ? value : Fail(error);

    /// <summary>Applies an extension function; on failure returns false with the reason.</summary>
    internal static bool TryExtensionCall(string function, ReadOnlySpan<CedarValue> args, out CedarValue value, out string error)
    {
        if (Extensions.TryGetValue(function, out var apply))
        {
            return apply(args, out value, out error);
        }

        value = null!;
        error = $"unknown extension function `{function}`";
        return false;
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
