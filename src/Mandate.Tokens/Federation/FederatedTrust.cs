using Mandate.Tokens.Clients;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Federation;

/// <summary>
/// A registered trust in an external issuer: its tokens whose subject matches <see cref="SubjectPattern"/> get
/// access tokens for <see cref="Client"/> through the RFC 7523 jwt-bearer grant.
/// </summary>
/// <param name="CredentialId">The trust's credential id.</param>
/// <param name="Client">The identity a matching subject maps to.</param>
/// <param name="Issuer">The external issuer (<c>iss</c>), compared exactly.</param>
/// <param name="SubjectPattern">The required subject: exact, or with <c>*</c> matching any run of characters.</param>
/// <param name="Audience">The required audience, or null for Mandate's issuer or token endpoint.</param>
/// <param name="Keys">The issuer's keys given inline.</param>
/// <param name="JwksUri">Where the issuer's keys are fetched from, when not inline.</param>
/// <param name="AllowReuse">Whether one external token may be exchanged more than once while it lives.</param>
public sealed record FederatedTrust(
    string CredentialId, ClientRecord Client, string Issuer, string SubjectPattern, string? Audience, IReadOnlyList<PublicJwk> Keys,
    string? JwksUri, bool AllowReuse)
{
    /// <summary>Whether <paramref name="subject"/> satisfies the subject condition.</summary>
    public bool MatchesSubject(string subject) => Glob(SubjectPattern, subject);

    // '*' matches any run of characters (including none); everything else literally. Iterative with one
    // backtrack point, so a hostile pattern cannot make matching exponential.
    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
