using System.Collections.Frozen;
using System.Text.Json;
using Mandate.Core.Errors;

namespace Mandate.Server.Hosting;

/// <summary>Reads enum query parameters with the same snake_case names the JSON bodies use.</summary>
internal static class WireEnum
{
    public static T? Parse<T>(string? value, string parameter)
        where T : struct, Enum
    {
        if (value is null)
        {
            return null;
        }

        return Names<T>.ByWireName.TryGetValue(value, out var parsed)
            ? parsed
            : throw MandateException.Invalid(parameter, $"parameter `{parameter}` has an invalid value `{(value.Length > 40 ? value[..40] : value)}`; use one of {string.Join(", ", Names<T>.ByWireName.Keys.Order())}");
    }

    /// <summary>The wire name of a value (<c>ServiceAccount</c> is <c>service_account</c>).</summary>
    public static string Name<T>(T value)
        where T : struct, Enum =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static class Names<T>
        where T : struct, Enum
    {
        public static readonly FrozenDictionary<string, T> ByWireName =
            Enum.GetValues<T>().ToFrozenDictionary(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()), StringComparer.Ordinal);
    }
}
