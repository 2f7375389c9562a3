using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Dpop;

/// <summary>
/// The <c>WWW-Authenticate</c> challenges of a 401 at a resource that takes both bearer (RFC 6750) and DPoP-bound
/// (RFC 9449) tokens: both schemes are offered, and the error goes with the scheme it concerns.
/// </summary>
public static class AuthenticationChallenge
{
    private static readonly string DpopAlgorithms = string.Join(' ', JwsAlgorithms.External);

    /// <summary>The challenges, DPoP first when <paramref name="aboutDpop"/> (a bound token or its proof was refused).</summary>
    /// <param name="reason">Why the credential was refused; null when none was sent (no error attributes then).</param>
    /// <param name="code">The error code: <c>invalid_token</c>, <c>invalid_request</c>, <c>invalid_dpop_proof</c>, <c>use_dpop_nonce</c>.</param>
    /// <param name="aboutDpop">Whether the refusal concerns DPoP.</param>
    public static string[] Build(string? reason, string code, bool aboutDpop)
    {
        var error = reason is null ? string.Empty : $", error=\"{code}\", error_description=\"{reason.Replace('"', '\'')}\"";
        return aboutDpop
            ? [$"DPoP algs=\"{DpopAlgorithms}\"{error}", "Bearer realm=\"mandate\""]
            : [$"Bearer realm=\"mandate\"{error}", $"DPoP algs=\"{DpopAlgorithms}\""];
    }
}
