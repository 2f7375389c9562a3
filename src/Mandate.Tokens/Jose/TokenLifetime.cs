using System.Text.Json;

namespace Mandate.Tokens.Jose;

/// <summary>The time rules every presented assertion shares: <c>exp</c> required and not past, <c>iat</c> and <c>nbf</c> not ahead, a bounded lifetime.</summary>
internal static class TokenLifetime
{
    /// <summary>The assertion's expiry, or what is wrong with its times.</summary>
    public static (DateTimeOffset ExpiresAt, string? Error) Check(JsonElement claims, DateTimeOffset now, TimeSpan skew, TimeSpan maxLifetime)
    {
        DateTimeOffset? exp, iat, nbf;
        try
        {
            exp = ClaimSet.Time(claims, "exp");
            iat = ClaimSet.Time(claims, "iat");
            nbf = ClaimSet.Time(claims, "nbf");
        }
        catch (JoseException ex)
        {
            return (default, ex.Message);
        }

        if (exp is null)
        {
            return (default, "`exp` is required");
        }

        if (exp <= now - skew)
        {
            return (default, "the assertion has expired");
        }

        if (iat > now + skew || nbf > now + skew)
        {
            return (default, "the assertion is not valid yet (`iat` or `nbf` in the future)");
        }

        if (exp - (iat ?? now) > maxLifetime + skew)
        {
            return (default, $"the assertion lives longer than {Describe(maxLifetime)}; use short-lived assertions");
        }

        return (exp.Value, null);
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} hours" : $"{span.TotalMinutes:0.#} minutes";
}
