using Mandate.Core.Delegations;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Delegation;
using Mandate.Tokens.Details;
using Mandate.Tokens.Revocation;
using Mandate.Tokens.Validation;

namespace Mandate.Tokens.Issuance;

/// <summary>
/// RFC 8693 token exchange for delegation. The authenticated client presents a <c>subject_token</c> and, to act
/// for its holder, its own <c>actor_token</c>: the new token keeps the subject and gains an <c>act</c> hop naming
/// the client. Without an actor token the client either narrows a token it holds, or impersonates the subject,
/// which policy must allow. Scope, authorization details and audience only ever narrow, the lifetime never passes
/// the parent's, a DPoP-bound subject or actor token is used only with a proof of its key (see
/// <see cref="ExchangeInputs.CheckBinding"/>), the chain is at most <see cref="TokenServiceOptions.MaxDelegationDepth"/> hops, and the new token
/// is a node under its parent in the delegation graph before it is handed out.
/// </summary>
public sealed class TokenExchangeGrant(
    AccessTokenValidator validator, AccessTokenMinter minter, DelegationRecorder recorder, RevocationSet revocations,
    IDelegationPolicy policy, TokenServiceOptions options, TimeProvider time)
{
    /// <summary>The RFC 8693 grant type.</summary>
    public const string GrantType = "urn:ietf:params:oauth:grant-type:token-exchange";

    /// <summary>Issues the exchanged token, or says why not.</summary>
    public async ValueTask<TokenResult> HandleAsync(
        IReadOnlyDictionary<string, string[]> form, ClientAuthentication authentication, string? boundKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (OAuthForm.Single(form, "requested_token_type") is { } requested && requested is not (IssuedToken.AccessTokenTypeUri or ExchangeInputs.JwtTypeUri))
        {
            return OAuthError.InvalidRequest($"`requested_token_type` `{(requested.Length > 80 ? requested[..80] : requested)}` is not supported; "
                + $"ask for `{IssuedToken.AccessTokenTypeUri}` or `{TransactionTokenGrant.TokenTypeUri}`");
        }

        var subject = ExchangeInputs.Subject(form, validator, out var error);
        var actor = error is null ? ExchangeInputs.Actor(form, validator, out error) : null;
        if (error is not null)
        {
            return error;
        }

        // The whole request is read before anything is decided, so a malformed request is never mistaken for an escalation.
        var request = Read(form, out error);
        if (error is not null)
        {
            return error;
        }

        if (ExchangeInputs.CheckBinding(subject!, actor, authentication.Client!.ClientId, boundKey) is { } unbound)
        {
            return unbound;
        }

        var (kind, refusal) = Authorize(subject!, actor, authentication.Client.ClientId);
        if (refusal is not null)
        {
            return refusal;
        }

        var (grant, narrowing) = Narrow(request!, subject!);
        return narrowing ?? await IssueAsync(subject!, actor, authentication, kind, grant!, request!.MayAct, boundKey, cancellationToken);
    }

    private (DelegationKind Kind, OAuthError? Refusal) Authorize(ValidatedAccessToken subject, ValidatedAccessToken? actor, string client)
    {
        var holder = subject.Holder;
        if (actor is null)
        {
            if (client == holder)
            {
                return (DelegationKind.Narrowing, null);
            }

            var verdict = policy.Decide(new DelegationQuestion(DelegationAction.Impersonate, client, subject.Subject, false, false, subject.Actors.Count, null));
            return verdict.Allowed
                ? (DelegationKind.Impersonation, null)
                : (default, OAuthError.UnauthorizedClient(
                    $"`{client}` may not impersonate `{subject.Subject}`: impersonation needs a policy that permits `Mandate::Action::\"impersonate\"`; "
                    + $"to act for `{subject.Holder}`, send your own access token as `actor_token` ({verdict.Reason})").AsEscalation(subject.Chain));
        }

        if (actor.Actors.Count > 0 || actor.Subject != client)
        {
            return (default, OAuthError.InvalidRequest($"`actor_token` must be an access token of the authenticated client `{client}` itself, not a delegated one"));
        }

        if (client == holder)
        {
            return (default, OAuthError.InvalidRequest($"`{client}` already holds the subject token; omit `actor_token` to narrow it"));
        }

        var depth = subject.Actors.Count + 1;
        if (depth > options.MaxDelegationDepth)
        {
            return (default, OAuthError.InvalidRequest(
                $"the delegation chain would be {depth} hops long; at most {options.MaxDelegationDepth} are allowed").AsEscalation(subject.Chain));
        }

        if (subject.MayAct is { } named && named != client)
        {
            return (default, OAuthError.InvalidGrant($"the subject token's `may_act` names `{named}`, not `{client}`").AsEscalation(subject.Chain));
        }

        var decision = policy.Decide(new DelegationQuestion(DelegationAction.Delegate, holder, client, subject.MayAct == client, false, depth, subject.Scopes.Count == 0 ? null : string.Join(' ', subject.Scopes)));
        return decision.Allowed
            ? (DelegationKind.Delegation, null)
            : (default, OAuthError.UnauthorizedClient($"`{holder}` may not delegate to `{client}`: {decision.Reason}").AsEscalation(subject.Chain));
    }

    /// <summary>The requested scope, details, audience and <c>may_act</c>, each well formed.</summary>
    private ExchangeRequest? Read(IReadOnlyDictionary<string, string[]> form, out OAuthError? error)
    {
        var scope = OAuthForm.Single(form, "scope");
        if (scope is not null && !Scopes.IsValid(scope))
        {
            error = OAuthError.InvalidScope("`scope` must be space-separated scope tokens without quotes or backslashes");
            return null;
        }

        IReadOnlyList<MandateDetail>? details = null;
        if (OAuthForm.Single(form, "authorization_details") is { } json)
        {
            (details, error) = AuthorizationDetails.Parse(json, time.GetUtcNow());
            if (error is not null)
            {
                return null;
            }
        }

        var audiences = ExchangeInputs.Audiences(form, out error);
        var mayAct = error is null ? TokenEndpoint.ReadMayAct(form, out error) : null;
        return error is null ? new ExchangeRequest(Scopes.Normalize(scope), details, audiences, mayAct) : null;
    }

    /// <summary>The granted scope, details and audience: the requested ones when no wider than the subject token's, else its own.</summary>
    private static (Narrowed? Grant, OAuthError? Error) Narrow(ExchangeRequest request, ValidatedAccessToken subject)
    {
        if (request.Scope is not null && subject.Scopes.Count > 0 && Scopes.FirstOutside(subject.Scopes, request.Scope) is { } wider)
        {
            return (null, OAuthError.InvalidScope($"scope `{wider}` is not granted by the subject token (`{string.Join(' ', subject.Scopes)}`); a delegated token can only narrow").AsEscalation(subject.Chain));
        }

        if (request.Details is not null && AuthorizationDetails.FindWidening(subject.AuthorizationDetails, request.Details) is { } widening)
        {
            return (null, OAuthError.InvalidAuthorizationDetails(widening).AsEscalation(subject.Chain));
        }

        if (request.Audiences.FirstOrDefault(a => !subject.Audiences.Contains(a, StringComparer.Ordinal)) is { } outside)
        {
            return (null, OAuthError.InvalidTarget($"audience `{outside}` is not an audience of the subject token; a delegated token can only narrow").AsEscalation(subject.Chain));
        }

        return (new Narrowed(
            request.Scope ?? (subject.Scopes.Count == 0 ? null : string.Join(' ', subject.Scopes)),
            request.Details ?? subject.AuthorizationDetails,
            request.Audiences.Count == 0 ? subject.Audiences : request.Audiences), null);
    }

    private async ValueTask<TokenResult> IssueAsync(
        ValidatedAccessToken subject, ValidatedAccessToken? actor, ClientAuthentication authentication, DelegationKind kind, Narrowed grant,
        string? mayAct, string? boundKey, CancellationToken cancellationToken)
    {
        var client = authentication.Client!;
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = Earliest(now + options.AccessTokenLifetime, subject.ExpiresAt, actor?.ExpiresAt, AuthorizationDetails.LatestEnd(grant.Details));
        if (expires <= now)
        {
            return OAuthError.InvalidRequest("`subject_token` expires now; a delegated token never outlives its parent");
        }

        var actors = kind == DelegationKind.Delegation ? [client.ClientId, .. subject.Actors] : subject.Actors;
        var node = new DelegationNode
        {
            TokenId = AccessTokenMinter.NewTokenId(),
            ParentTokenId = subject.TokenId,
            Kind = kind,
            SubjectId = subject.Subject,
            Actors = actors,
            ClientId = client.ClientId,
            CredentialIds = [.. new[] { authentication.CredentialId!, actor?.CredentialId }.OfType<string>().Distinct(StringComparer.Ordinal)],
            ActorTokenId = actor?.TokenId,
            Scope = grant.Scope,
            AuthorizationDetails = grant.Details is null ? null : AuthorizationDetails.ToJson(grant.Details),
            MayAct = mayAct,
            Audiences = grant.Audiences,
            IssuedAt = now,
            ExpiresAt = expires,
        };

        var token = minter.Mint(new AccessTokenClaims
        {
            TokenId = node.TokenId,
            Subject = subject.Subject,
            SubjectKind = subject.SubjectKind ?? client.SubjectKind,
            ClientId = client.ClientId,
            CredentialId = authentication.CredentialId!,
            Audiences = node.Audiences,
            Scope = node.Scope,
            AuthorizationDetails = grant.Details,
            Actors = actors,
            MayAct = mayAct,
            KeyThumbprint = boundKey,
            IssuedAt = now,
            ExpiresAt = expires,
        });
        if (AccessTokenMinter.CheckLength(token) is { } tooLong)
        {
            return tooLong;
        }

        // The token is handed out only once its node is durable, so revoking anything above it can always reach it.
        try
        {
            await recorder.RecordAsync(revocations.Find(subject.TokenId) is null ? [RootOf(subject), node] : [node], cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return OAuthError.TemporarilyUnavailable("the delegation could not be recorded; nothing was issued, retry");
        }

        return new TokenResult(
            new IssuedToken(token, node.TokenId, subject.Subject, client.ClientId, authentication.CredentialId!, authentication.Method!, node.Audiences, node.Scope, expires, boundKey)
            {
                Grant = kind.ToString().ToLowerInvariant(),
                Actors = actors,
                ParentTokenId = subject.TokenId,
            },
            (int)(expires - now).TotalSeconds, null);
    }

    /// <summary>The node of a token that becomes a parent for the first time.</summary>
    internal static DelegationNode RootOf(ValidatedAccessToken token) => new()
    {
        TokenId = token.TokenId,
        Kind = DelegationKind.Root,
        SubjectId = token.Subject,
        ClientId = token.ClientId,
        CredentialIds = token.CredentialId is null ? [] : [token.CredentialId],
        Scope = token.Scopes.Count == 0 ? null : string.Join(' ', token.Scopes),
        AuthorizationDetails = token.AuthorizationDetails is null ? null : AuthorizationDetails.ToJson(token.AuthorizationDetails),
        MayAct = token.MayAct,
        Audiences = token.Audiences,
        IssuedAt = token.IssuedAt,
        ExpiresAt = token.ExpiresAt,
    };

    internal static DateTimeOffset Earliest(params DateTimeOffset?[] times) => times.OfType<DateTimeOffset>().Min();

    private sealed record ExchangeRequest(string? Scope, IReadOnlyList<MandateDetail>? Details, IReadOnlyList<string> Audiences, string? MayAct);

    private sealed record Narrowed(string? Scope, IReadOnlyList<MandateDetail>? Details, IReadOnlyList<string> Audiences);
}
