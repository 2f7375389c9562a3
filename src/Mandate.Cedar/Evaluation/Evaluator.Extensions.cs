using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

internal sealed partial class Evaluator
{
    private const long MillisecondsPerDay = 86_400_000;

    private CedarValue EvaluateExtensionCall(ExtensionCallExpr call)
    {
        var args = new CedarValue[call.Arguments.Length];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = Evaluate(call.Arguments[i]);
        }

        return ExtensionCall(call.Function.FullName, args);
    }

    internal static CedarValue ExtensionCall(string function, CedarValue[] args)
    {
        switch (function)
        {
            case "decimal":
                Arity(function, args, 1);
                return DecimalValue.TryParse(AsString(args[0]), out var d, out var decimalError) ? d : throw Failed(function, decimalError);
            case "ip":
                Arity(function, args, 1);
                return IpAddrValue.TryParse(AsString(args[0]), out var ip, out var ipError) ? ip : throw Failed(function, ipError);
            case "datetime":
                Arity(function, args, 1);
                return DatetimeValue.TryParse(AsString(args[0]), out var dt, out var dtError) ? dt : throw Failed(function, dtError);
            case "duration":
                Arity(function, args, 1);
                return DurationValue.TryParse(AsString(args[0]), out var du, out var duError) ? du : throw Failed(function, duError);
            case "lessThan":
                return BoolValue.Of(DecimalPair(function, args) < 0);
            case "lessThanOrEqual":
                return BoolValue.Of(DecimalPair(function, args) <= 0);
            case "greaterThan":
                return BoolValue.Of(DecimalPair(function, args) > 0);
            case "greaterThanOrEqual":
                return BoolValue.Of(DecimalPair(function, args) >= 0);
            case "isIpv4":
                return BoolValue.Of(Ip(function, args).IsIpv4);
            case "isIpv6":
                return BoolValue.Of(Ip(function, args).IsIpv6);
            case "isLoopback":
                return BoolValue.Of(Ip(function, args).IsLoopback);
            case "isMulticast":
                return BoolValue.Of(Ip(function, args).IsMulticast);
            case "isInRange":
                Arity(function, args, 2);
                return BoolValue.Of(AsExtension<IpAddrValue>(args[0], "ipaddr").IsInRange(AsExtension<IpAddrValue>(args[1], "ipaddr")));
            case "offset":
            {
                Arity(function, args, 2);
                var start = AsExtension<DatetimeValue>(args[0], "datetime").EpochMilliseconds;
                var offset = AsExtension<DurationValue>(args[1], "duration").Milliseconds;
                return new DatetimeValue(CheckedOrFail(function, () => checked(start + offset)));
            }

            case "durationSince":
            {
                Arity(function, args, 2);
                var end = AsExtension<DatetimeValue>(args[0], "datetime").EpochMilliseconds;
                var start = AsExtension<DatetimeValue>(args[1], "datetime").EpochMilliseconds;
                return new DurationValue(CheckedOrFail(function, () => checked(end - start)));
            }

            case "toDate":
            {
                Arity(function, args, 1);
                var epoch = AsExtension<DatetimeValue>(args[0], "datetime").EpochMilliseconds;
                var remainder = ((epoch % MillisecondsPerDay) + MillisecondsPerDay) % MillisecondsPerDay;
                return new DatetimeValue(CheckedOrFail(function, () => checked(epoch - remainder)));
            }

            case "toTime":
            {
                Arity(function, args, 1);
                var epoch = AsExtension<DatetimeValue>(args[0], "datetime").EpochMilliseconds;
                return new DurationValue(((epoch % MillisecondsPerDay) + MillisecondsPerDay) % MillisecondsPerDay);
            }

            case "toMilliseconds":
                return new LongValue(Duration(function, args));
            case "toSeconds":
                return new LongValue(Duration(function, args) / 1000);
            case "toMinutes":
                return new LongValue(Duration(function, args) / 60_000);
            case "toHours":
                return new LongValue(Duration(function, args) / 3_600_000);
            case "toDays":
                return new LongValue(Duration(function, args) / MillisecondsPerDay);
            default:
                throw new EvaluationException($"unknown extension function `{function}`");
        }
    }

    private static int DecimalPair(string function, CedarValue[] args)
    {
        Arity(function, args, 2);
        return AsExtension<DecimalValue>(args[0], "decimal").Scaled.CompareTo(AsExtension<DecimalValue>(args[1], "decimal").Scaled);
    }

    private static IpAddrValue Ip(string function, CedarValue[] args)
    {
        Arity(function, args, 1);
        return AsExtension<IpAddrValue>(args[0], "ipaddr");
    }

    private static long Duration(string function, CedarValue[] args)
    {
        Arity(function, args, 1);
        return AsExtension<DurationValue>(args[0], "duration").Milliseconds;
    }

    private static T AsExtension<T>(CedarValue value, string typeName)
        where T : CedarValue =>
        value as T ?? throw TypeError($"a {typeName}", value);

    private static long CheckedOrFail(string function, Func<long> compute)
    {
        try
        {
            return compute();
        }
        catch (OverflowException)
        {
            throw Failed(function, "overflow");
        }
    }

    private static void Arity(string function, CedarValue[] args, int expected)
    {
        if (args.Length != expected)
        {
            throw new EvaluationException($"wrong number of arguments in call to `{function}`: expected {expected}, got {args.Length}");
        }
    }

    private static EvaluationException Failed(string function, string message) =>
        new($"error while evaluating `{function}` extension function: {message}");
}
