using Mandate.Tokens.Validation;

namespace Mandate.Tokens.Issuance;

/// <summary>The RFC 8693 request parameters both exchange grants read the same way.</summary>
internal static class ExchangeInputs
{
    public const string JwtTypeUri = "urn:ietf:params:oauth:token-type:jwt";

    private const int MaxAudienceLength = 512;

    /// <summary>
    /// Reads and validates <c>subject_token</c> (a Mandate access token in good standing, any audience). RFC 8693
    /// section 2.2.2: an unusable subject or actor token is <c>invalid_request</c>.
    /// </summary>
    public static ValidatedAccessToken? Subject(IReadOnlyDictionary<string, string[]> form, AccessTokenValidator validator, out OAuthError? error) =>
        Token(form, "subject_token", validator, out error);

    /// <summary>Reads <c>actor_token</c>, if sent, the same way.</summary>
    public static ValidatedAccessToken? Actor(IReadOnlyDictionary<string, string[]> form, AccessTokenValidator validator, out OAuthError? error)
    {
        error = null;
        if (OAuthForm.Single(form, "actor_token") is null)
        {
            if (OAuthForm.Single(form, "actor_token_type") is not null)
            {
                error = OAuthError.InvalidRequest("`actor_token_type` was sent without an `actor_token`");
            }

            return null;
        }

        return Token(form, "actor_token", validator, out error);
    }

    /// <summary>
    /// RFC 9449 section 7 at the token endpoint: a DPoP-bound (<c>cnf.jkt</c>) subject or actor token is used only
    /// with a proof of possession, or the exchange would turn a sender-constrained token into a bearer one (RFC 8693
    /// section 5). The request's proof already passed <see cref="Dpop.DpopProofValidator"/>, so comparing thumbprints
    /// is enough. The client's own tokens (a bound actor token, a bound subject token it holds) need a proof by their
    /// key. Another client cannot prove the holder's key: it may use a bound subject token only when the holder named
    /// it in <c>may_act</c>, and only over a request with its own proof, so what it gets is bound too.
    /// </summary>
    /// <param name="subject">The validated subject token.</param>
    /// <param name="actor">The validated actor token, if one was sent.</param>
    /// <param name="client">The authenticated client.</param>
    /// <param name="boundKey">The thumbprint of the key the request's <c>DPoP</c> proof was signed with, or null without one.</param>
    /// <returns>Null when the tokens may be used; otherwise the <c>invalid_request</c> that says what to send.</returns>
    public static OAuthError? CheckBinding(ValidatedAccessToken subject, ValidatedAccessToken? actor, string client, string? boundKey)
    {
        if (actor?.KeyThumbprint is { } actorKey && actorKey != boundKey)
        {
            return OAuthError.InvalidRequest("the `actor_token` is DPoP-bound: send a `DPoP` proof signed by the key it is bound to");
        }

        if (subject.KeyThumbprint is not { } subjectKey)
        {
            return null;
        }

        if (client == subject.Holder)
        {
            return subjectKey == boundKey
                ? null
                : OAuthError.InvalidRequest("the `subject_token` is DPoP-bound: send a `DPoP` proof signed by the key it is bound to");
        }

        if (subject.MayAct != client)
        {
            return OAuthError.InvalidRequest(
                $"the `subject_token` is DPoP-bound to its holder `{subject.Holder}`; another client may exchange it only when the holder names it in `may_act`");
        }

        return boundKey is null
            ? OAuthError.InvalidRequest("the `subject_token` is DPoP-bound: send a `DPoP` proof with the exchange, so the token you get is bound to your key")
            : null;
    }

    /// <summary>The <c>audience</c> values (logical names) and <c>resource</c> values (URIs) together.</summary>
    public static string[] Audiences(IReadOnlyDictionary<string, string[]> form, out OAuthError? error)
    {
        var resources = TokenEndpoint.ReadResources(form, out error);
        if (error is not null)
        {
            return [];
        }

        var audiences = OAuthForm.All(form, "audience");
        if (audiences.Any(a => a.Length > MaxAudienceLength || a.Any(char.IsControl)))
        {
            error = OAuthError.InvalidTarget($"each `audience` must be at most {MaxAudienceLength} characters without control characters");
            return [];
        }

        return [.. resources.Concat(audiences).Distinct(StringComparer.Ordinal)];
    }

    private static ValidatedAccessToken? Token(IReadOnlyDictionary<string, string[]> form, string name, AccessTokenValidator validator, out OAuthError? error)
    {
        error = null;
        var token = OAuthForm.Single(form, name);
        var type = OAuthForm.Single(form, name + "_type");
        if (token is null || type is null)
        {
            error = OAuthError.InvalidRequest($"`{name}` and `{name}_type` are required");
            return null;
        }

        if (type is not (IssuedToken.AccessTokenTypeUri or JwtTypeUri))
        {
            error = OAuthError.InvalidRequest(
                $"`{name}_type` `{(type.Length > 80 ? type[..80] : type)}` is not supported; send a Mandate access token as `{IssuedToken.AccessTokenTypeUri}`");
            return null;
        }

        var validation = validator.ValidateAnyAudience(token);
        if (validation.Token is null)
        {
            error = OAuthError.InvalidRequest($"`{name}` is not usable: {validation.Error}");
        }

        return validation.Token;
    }
}
