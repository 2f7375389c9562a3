using System.Runtime.CompilerServices;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Details;
using Mandate.Tokens.Dpop;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Issuance;

/// <summary>
/// The token endpoint as a pipeline: request shape -> DPoP proof -> client authentication or grant assertion ->
/// grant validation -> RFC 9068 access token (DPoP-bound when a proof came with the request). Every outcome is
/// reported to <see cref="ITokenEvents"/>. The jwt-bearer grant (RFC 7523) is handled by <see cref="JwtBearerGrant"/>,
/// token exchange (RFC 8693) by <see cref="TokenExchangeGrant"/>, and its transaction-token profile by
/// <see cref="TransactionTokenGrant"/>; without the exchange grants, token exchange is not served.
/// </summary>
public sealed class TokenEndpoint(
    ClientAssertionValidator clients, ClientSecretValidator secrets, JwtBearerGrant jwtBearer, DpopProofValidator dpop, SigningKeyRing keys,
    TokenServiceOptions options, TimeProvider time, ITokenEvents events, TokenExchangeGrant? exchange = null, TransactionTokenGrant? transactions = null)
{
    /// <summary>The <c>typ</c> of access tokens (RFC 9068).</summary>
    public const string AccessTokenType = "at+jwt";

    private const int MaxResources = 10;

    // RFC 8693 lets `resource` and `audience` repeat; every other parameter is sent once.
    private static readonly string[] Repeatable = ["resource", "audience"];

    private readonly ClientAuthenticator _authenticator = new(clients, secrets);
    private readonly AccessTokenMinter _minter = new(keys, options);

    /// <summary>Handles a token request given its form fields (name to every value sent).</summary>
    public async ValueTask<TokenResult> HandleAsync(IReadOnlyDictionary<string, string[]> form, TokenRequestContext context, CancellationToken cancellationToken)
    {
        var authenticated = new StrongBox<string?>();
        var result = await HandleCoreAsync(form, context, authenticated, cancellationToken);
        if (result.Token is { } token)
        {
            events.Issued(token, context);
        }
        else
        {
            events.Refused(result.Error!, authenticated.Value ?? OAuthForm.Single(form, "client_id") ?? context.BasicCredentials?.ClientId, context);
        }

        return result;
    }

    private async ValueTask<TokenResult> HandleCoreAsync(
        IReadOnlyDictionary<string, string[]> form, TokenRequestContext context, StrongBox<string?> authenticated, CancellationToken cancellationToken)
    {
        foreach (var (name, values) in form)
        {
            if (values.Length > 1 && !Repeatable.Contains(name, StringComparer.Ordinal))
            {
                return OAuthError.InvalidRequest($"parameter `{name}` is repeated");
            }
        }

        var grantType = OAuthForm.Single(form, "grant_type");
        if (grantType is null)
        {
            return OAuthError.InvalidRequest("`grant_type` is required");
        }

        var exchanging = grantType == TokenExchangeGrant.GrantType && exchange is not null && transactions is not null;
        if (grantType is not ("client_credentials" or JwtBearerGrant.GrantType) && !exchanging)
        {
            return OAuthError.UnsupportedGrantType(
                $"grant type `{(grantType.Length > 80 ? grantType[..80] : grantType)}` is not supported; use `client_credentials`, `{JwtBearerGrant.GrantType}` or `{TokenExchangeGrant.GrantType}`");
        }

        // The proof is checked before the client's assertion, so a nonce round trip does not burn the assertion's jti.
        string? boundKey = null;
        if (context.DpopProof is { } proof)
        {
            var validation = dpop.Validate(proof, "POST", [options.TokenEndpoint, context.RequestUrl], null, options.DpopNonceRequired);
            if (validation.Error is not null)
            {
                return validation.ToOAuthError();
            }

            boundKey = validation.KeyThumbprint;
        }

        var authentication = grantType == JwtBearerGrant.GrantType
            ? await AuthenticateFederatedAsync(form, context, cancellationToken)
            : await _authenticator.AuthenticateAsync(form, context.BasicCredentials, cancellationToken);
        if (authentication.Error is { } clientError)
        {
            return clientError;
        }

        authenticated.Value = authentication.Client!.ClientId;
        if (exchanging)
        {
            // A transaction token is not an access token and is never bound; an exchanged access token is, with a proof.
            // Both grants need the proof's key to let a DPoP-bound subject or actor token be used.
            return OAuthForm.Single(form, "requested_token_type") == TransactionTokenGrant.TokenTypeUri
                ? await transactions!.HandleAsync(form, authentication, boundKey, cancellationToken)
                : await exchange!.HandleAsync(form, authentication, boundKey, cancellationToken);
        }

        var scope = OAuthForm.Single(form, "scope");
        if (scope is not null && !Scopes.IsValid(scope))
        {
            return OAuthError.InvalidScope("`scope` must be space-separated scope tokens without quotes or backslashes");
        }

        var audiences = ReadResources(form, out var targetError);
        if (targetError is not null)
        {
            return targetError;
        }

        var details = OAuthForm.Single(form, "authorization_details") is { } detailsJson
            ? AuthorizationDetails.Parse(detailsJson, time.GetUtcNow())
            : (null, null);
        if (details.Error is not null)
        {
            return details.Error;
        }

        var mayAct = ReadMayAct(form, out var mayActError);
        return mayActError ?? Issue(authentication, audiences.Length == 0 ? [options.DefaultAudience] : audiences, Scopes.Normalize(scope), details.Details, mayAct, boundKey);
    }

    /// <summary>
    /// The jwt-bearer grant: the assertion names the identity. Client authentication is optional (RFC 7523 section
    /// 3.1); when the request carries it, it must authenticate that same identity.
    /// </summary>
    private async ValueTask<ClientAuthentication> AuthenticateFederatedAsync(
        IReadOnlyDictionary<string, string[]> form, TokenRequestContext context, CancellationToken cancellationToken)
    {
        var clientId = OAuthForm.Single(form, "client_id");
        var federated = await jwtBearer.AuthenticateAsync(OAuthForm.Single(form, "assertion"), clientId, cancellationToken);
        if (federated.Error is not null || !ClientAuthenticator.HasCredentials(form, context.BasicCredentials))
        {
            return federated;
        }

        var caller = await _authenticator.AuthenticateAsync(form, context.BasicCredentials, cancellationToken);
        return caller.Error is not null ? caller
            : caller.Client!.ClientId != federated.Client!.ClientId ? OAuthError.InvalidGrant("the assertion is for another identity than the authenticated client")
            : federated;
    }

    /// <summary>The distinct <c>resource</c> values (RFC 8707), each an absolute URI without a fragment.</summary>
    internal static string[] ReadResources(IReadOnlyDictionary<string, string[]> form, out OAuthError? error)
    {
        error = null;
        var audiences = OAuthForm.All(form, "resource");
        if (audiences.Length > MaxResources)
        {
            error = OAuthError.InvalidTarget($"at most {MaxResources} `resource` values are accepted");
            return [];
        }

        foreach (var resource in audiences)
        {
            // On Unix a rooted path parses as an absolute file URI; a resource indicator is never one.
            if (!Uri.TryCreate(resource, UriKind.Absolute, out var uri) || uri.IsFile || resource.StartsWith('/')
                || uri.Fragment.Length > 0 || resource.Length > 512)
            {
                error = OAuthError.InvalidTarget("each `resource` must be an absolute URI without a fragment (RFC 8707)");
                return [];
            }
        }

        return [.. audiences.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The <c>may_act</c> parameter (a Mandate extension): the one identity that may act with the issued token.</summary>
    internal static string? ReadMayAct(IReadOnlyDictionary<string, string[]> form, out OAuthError? error)
    {
        error = null;
        var mayAct = OAuthForm.Single(form, "may_act");
        if (mayAct is not null && !Core.MandateId.IsValid(mayAct))
        {
            error = OAuthError.InvalidRequest("`may_act` must be the id of the one identity that may act with the token");
        }

        return mayAct;
    }

    private TokenResult Issue(
        ClientAuthentication authentication, string[] audiences, string? scope, IReadOnlyList<MandateDetail>? details, string? mayAct, string? boundKey)
    {
        var client = authentication.Client!;
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = TokenExchangeGrant.Earliest(now + options.AccessTokenLifetime, AuthorizationDetails.LatestEnd(details));
        var jti = AccessTokenMinter.NewTokenId();
        var token = _minter.Mint(new AccessTokenClaims
        {
            TokenId = jti,
            Subject = client.Subject,
            SubjectKind = client.SubjectKind,
            ClientId = client.ClientId,
            CredentialId = authentication.CredentialId!,
            Audiences = audiences,
            Scope = scope,
            AuthorizationDetails = details,
            MayAct = mayAct,
            KeyThumbprint = boundKey,
            IssuedAt = now,
            ExpiresAt = expires,
        });
        if (AccessTokenMinter.CheckLength(token) is { } tooLong)
        {
            return tooLong;
        }

        return new TokenResult(
            new IssuedToken(token, jti, client.Subject, client.ClientId, authentication.CredentialId!, authentication.Method!, audiences, scope, expires, boundKey),
            (int)(expires - now).TotalSeconds, null);
    }
}
