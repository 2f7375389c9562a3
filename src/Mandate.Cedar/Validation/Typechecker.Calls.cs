using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Validation;

internal sealed partial class Typechecker
{
    private delegate bool Parser(string text, out string error);

    private static readonly Dictionary<string, (Parser Parse, string Type)> Constructors = new(StringComparer.Ordinal)
    {
        ["decimal"] = ((string text, out string error) => DecimalValue.TryParse(text, out _, out error), ExtType.Decimal),
        ["ip"] = ((string text, out string error) => IpAddrValue.TryParse(text, out _, out error), ExtType.IpAddr),
        ["datetime"] = ((string text, out string error) => DatetimeValue.TryParse(text, out _, out error), ExtType.Datetime),
        ["duration"] = ((string text, out string error) => DurationValue.TryParse(text, out _, out error), ExtType.Duration),
    };

    // Each extension method: the extension types of its arguments (receiver first) and its result type.
    private static readonly Dictionary<string, (string[] Arguments, StaticType Result)> Methods = new(StringComparer.Ordinal)
    {
        ["lessThan"] = ([ExtType.Decimal, ExtType.Decimal], StaticType.AnyBool),
        ["lessThanOrEqual"] = ([ExtType.Decimal, ExtType.Decimal], StaticType.AnyBool),
        ["greaterThan"] = ([ExtType.Decimal, ExtType.Decimal], StaticType.AnyBool),
        ["greaterThanOrEqual"] = ([ExtType.Decimal, ExtType.Decimal], StaticType.AnyBool),
        ["isIpv4"] = ([ExtType.IpAddr], StaticType.AnyBool),
        ["isIpv6"] = ([ExtType.IpAddr], StaticType.AnyBool),
        ["isLoopback"] = ([ExtType.IpAddr], StaticType.AnyBool),
        ["isMulticast"] = ([ExtType.IpAddr], StaticType.AnyBool),
        ["isInRange"] = ([ExtType.IpAddr, ExtType.IpAddr], StaticType.AnyBool),
        ["offset"] = ([ExtType.Datetime, ExtType.Duration], new ExtType(ExtType.Datetime)),
        ["durationSince"] = ([ExtType.Datetime, ExtType.Datetime], new ExtType(ExtType.Duration)),
        ["toDate"] = ([ExtType.Datetime], new ExtType(ExtType.Datetime)),
        ["toTime"] = ([ExtType.Datetime], new ExtType(ExtType.Duration)),
        ["toMilliseconds"] = ([ExtType.Duration], StaticType.Long),
        ["toSeconds"] = ([ExtType.Duration], StaticType.Long),
        ["toMinutes"] = ([ExtType.Duration], StaticType.Long),
        ["toHours"] = ([ExtType.Duration], StaticType.Long),
        ["toDays"] = ([ExtType.Duration], StaticType.Long),
    };

    private Typed TypeOfCall(ExtensionCallExpr call, Capabilities capabilities)
    {
        var name = call.Function.FullName;
        var arguments = call.Arguments.Select(a => TypeOf(a, capabilities).Type).ToArray();
        if (Constructors.TryGetValue(name, out var constructor))
        {
            // Strict validation wants constructor arguments to be literals it can check now.
            if (call.Arguments is not [LiteralExpr { Value: StringValue text }])
            {
                throw Error(call, $"`{name}` takes a single string literal in strictly validated policies");
            }

            return constructor.Parse(text.Value, out var error)
                ? new ExtType(constructor.Type)
                : throw Error(call, $"invalid `{name}` literal: {error}");
        }

        if (!Methods.TryGetValue(name, out var method))
        {
            throw Error(call, $"unknown extension function `{name}`");
        }

        var matches = arguments.Length == method.Arguments.Length
            && arguments.Zip(method.Arguments).All(p => p.First is ExtType ext && ext.Name == p.Second);
        return matches
            ? method.Result
            : throw Error(call, $"`{name}` expects ({string.Join(", ", method.Arguments)}), found ({string.Join(", ", arguments.Select(a => a.ToString()))})");
    }
}
