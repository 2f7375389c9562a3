using System.Text.Json;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Delegation;
using Mandate.Tokens.Details;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;
using Mandate.Tokens.Revocation;
using Mandate.Tokens.Validation;

namespace Mandate.Tokens.Issuance;

/// <summary>
/// Transaction tokens (draft-ietf-oauth-transaction-tokens-10): the token-exchange profile that turns an access
/// token into a short-lived <c>txntoken+jwt</c> for one transaction inside the trust domain. It carries the
/// transaction id (<c>txn</c>), the initiating subject and its delegation chain, the requesting workload
/// (<c>req_wl</c>), the purpose (<c>scope</c>, also as <c>purp</c>), and the request and transaction context
/// (<c>rctx</c>, <c>tctx</c>). Workloads pass it unchanged in the <c>Txn-Token</c> header; revoking the access
/// token it came from ends it.
/// </summary>
public sealed class TransactionTokenGrant(
    AccessTokenValidator validator, SigningKeyRing keys, DelegationRecorder recorder, RevocationSet revocations, IDelegationPolicy policy,
    TokenServiceOptions options, TimeProvider time)
{
    /// <summary>The token type URI a client asks for (<c>requested_token_type</c>).</summary>
    public const string TokenTypeUri = "urn:ietf:params:oauth:token-type:txn_token";

    /// <summary>The JWS <c>typ</c> of transaction tokens.</summary>
    public const string JwtType = "txntoken+jwt";

    /// <summary>The HTTP header that carries a transaction token between workloads.</summary>
    public const string Header = "Txn-Token";

    /// <summary>Largest <c>request_context</c> or <c>request_details</c> accepted, in characters.</summary>
    public const int MaxContextLength = 4096;

    /// <summary>Issues the transaction token, or says why not.</summary>
    /// <param name="form">The request's form fields.</param>
    /// <param name="authentication">The authenticated client.</param>
    /// <param name="boundKey">
    /// The thumbprint of the request's <c>DPoP</c> proof key, or null: a DPoP-bound subject token is exchanged only with
    /// a proof (see <see cref="ExchangeInputs.CheckBinding"/>). The transaction token itself is never bound.
    /// </param>
    /// <param name="cancellationToken">Cancels recording the transaction's origin.</param>
    public async ValueTask<TokenResult> HandleAsync(
        IReadOnlyDictionary<string, string[]> form, ClientAuthentication authentication, string? boundKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (OAuthForm.Single(form, "subject_token_type") == TokenTypeUri)
        {
            return OAuthError.InvalidRequest("transaction tokens are not replaced: pass the transaction token on unchanged in the `Txn-Token` header");
        }

        if (OAuthForm.Single(form, "actor_token") is not null)
        {
            return OAuthError.InvalidRequest("a transaction token request takes no `actor_token`; the requesting workload is the authenticated client");
        }

        var request = Read(form, out var error);
        var subject = error is null ? ExchangeInputs.Subject(form, validator, out error) : null;
        if (error is not null)
        {
            return error;
        }

        var client = authentication.Client!;
        if (ExchangeInputs.CheckBinding(subject!, null, client.ClientId, boundKey) is { } unbound)
        {
            return unbound;
        }

        if (subject!.Scopes.Count == 0)
        {
            return OAuthError.InvalidScope("the subject token carries no scope, so the purpose cannot be checked against it; exchange a token that states its scope");
        }

        if (Scopes.FirstOutside(subject.Scopes, request!.Scope) is { } wider)
        {
            return OAuthError.InvalidScope($"scope `{wider}` is not granted by the subject token (`{string.Join(' ', subject.Scopes)}`)").AsEscalation(subject.Chain);
        }

        var verdict = policy.Decide(new DelegationQuestion(
            DelegationAction.IssueTransactionToken, client.ClientId, subject.Subject, false, client.ClientId == subject.Holder, subject.Actors.Count, request.Scope));
        if (!verdict.Allowed)
        {
            return OAuthError.UnauthorizedClient($"`{client.ClientId}` may not start transactions for `{subject.Subject}`: {verdict.Reason}").AsEscalation(subject.Chain);
        }

        if (revocations.Find(subject.TokenId) is null)
        {
            try
            {
                await recorder.RecordAsync([TokenExchangeGrant.RootOf(subject)], cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return OAuthError.TemporarilyUnavailable("the transaction's origin could not be recorded; nothing was issued, retry");
            }
        }

        return Issue(subject, authentication, request);
    }

    private TransactionRequest? Read(IReadOnlyDictionary<string, string[]> form, out OAuthError? error)
    {
        error = null;
        var audiences = OAuthForm.All(form, "audience");
        if (audiences.Length != 1 || audiences[0] != options.TrustDomain || OAuthForm.Single(form, "resource") is not null)
        {
            error = OAuthError.InvalidTarget($"a transaction token request names exactly one `audience`: the trust domain `{options.TrustDomain}`");
            return null;
        }

        var scope = OAuthForm.Single(form, "scope");
        if (scope is null || !Scopes.IsValid(scope) || Scopes.Normalize(scope) is not { } purpose)
        {
            error = OAuthError.InvalidScope("`scope` is required: the purpose of the transaction, as space-separated scope tokens");
            return null;
        }

        var context = JsonObject(form, "request_context", out error);
        var details = error is null ? JsonObject(form, "request_details", out error) : null;
        return error is null ? new TransactionRequest(purpose, context, details) : null;
    }

    private static string? JsonObject(IReadOnlyDictionary<string, string[]> form, string name, out OAuthError? error)
    {
        error = null;
        if (OAuthForm.Single(form, name) is not { } text)
        {
            return null;
        }

        try
        {
            if (text.Length <= MaxContextLength)
            {
                using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });

                // Decisions read the object as a Cedar record, so it must be one now rather than fail later.
                Cedar.Json.CedarJson.ParseContext(document.RootElement);
                return document.RootElement.GetRawText();
            }
        }
        catch (Exception ex) when (ex is JsonException or Cedar.Json.CedarJsonException or ArgumentException)
        {
        }

        error = OAuthError.InvalidRequest(
            $"`{name}` must be a JSON object of at most {MaxContextLength} characters whose values are strings, integers, booleans, arrays or objects");
        return null;
    }

    private TokenResult Issue(ValidatedAccessToken subject, ClientAuthentication authentication, TransactionRequest request)
    {
        var client = authentication.Client!;
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + options.TransactionTokenLifetime < subject.ExpiresAt ? now + options.TransactionTokenLifetime : subject.ExpiresAt;
        var tokenId = AccessTokenMinter.NewTokenId();
        var transaction = Guid.NewGuid().ToString();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(768);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", options.Issuer);
            writer.WriteString("aud", options.TrustDomain);
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteNumber("exp", expires.ToUnixTimeSeconds());
            writer.WriteString("jti", tokenId);
            writer.WriteString("txn", transaction);
            writer.WriteString("sub", subject.Subject);
            if (subject.SubjectKind is not null)
            {
                writer.WriteString("sub_kind", subject.SubjectKind);
            }

            writer.WriteString("req_wl", client.ClientId);
            writer.WriteString("scope", request.Scope);
            writer.WriteString("purp", request.Scope);
            ActorClaims.Write(writer, subject.Actors);
            if (subject.AuthorizationDetails is { } details)
            {
                AuthorizationDetails.Write(writer, "authorization_details", details);
            }

            WriteRaw(writer, "rctx", request.Context);
            WriteRaw(writer, "tctx", request.Details);
            writer.WriteString(TransactionTokenValidator.ParentClaim, subject.TokenId);
            writer.WriteEndObject();
        }

        var signing = keys.Current;
        var token = CompactJws.Sign(buffer.WrittenSpan, signing, JwtType);
        return new TokenResult(
            new IssuedToken(token, tokenId, subject.Subject, client.ClientId, authentication.CredentialId!, authentication.Method!, [options.TrustDomain], request.Scope, expires)
            {
                Grant = "transaction",
                Actors = subject.Actors,
                ParentTokenId = subject.TokenId,
                TokenType = "N_A",
                IssuedTokenType = TokenTypeUri,
            },
            (int)(expires - now).TotalSeconds, null);
    }

    private static void WriteRaw(Utf8JsonWriter writer, string name, string? json)
    {
        if (json is not null)
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(json, skipInputValidation: true);
        }
    }

    private sealed record TransactionRequest(string Scope, string? Context, string? Details);
}
