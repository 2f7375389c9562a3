namespace Mandate.Cedar.Syntax;

/// <summary>The names of the Cedar extension functions, by call style.</summary>
internal static class ExtensionFunctions
{
    private static readonly HashSet<string> Functions = new(StringComparer.Ordinal) { "decimal", "ip", "datetime", "duration" };

    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal)
    {
        "lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual",
        "isIpv4", "isIpv6", "isLoopback", "isMulticast", "isInRange",
        "offset", "durationSince", "toDate", "toTime",
        "toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays",
    };

    public static bool IsFunction(string name) => Functions.Contains(name);

    public static bool IsMethod(string name) => Methods.Contains(name);
}
