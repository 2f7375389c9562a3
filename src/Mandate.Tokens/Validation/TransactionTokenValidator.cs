using System.Text.Json;
using Mandate.Cedar.Json;
using Mandate.Cedar.Values;
using Mandate.Tokens.Delegation;
using Mandate.Tokens.Details;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;
using Mandate.Tokens.Revocation;

namespace Mandate.Tokens.Validation;

/// <summary>
/// Validates transaction tokens received in the <c>Txn-Token</c> header: ES256 signature by a published key,
/// <c>typ txntoken+jwt</c> (an access token is not a transaction token, nor the reverse), issuer, the trust
/// domain as audience, <c>exp</c>/<c>iat</c>, the required <c>txn</c>, <c>sub</c>, <c>req_wl</c> and <c>scope</c>,
/// and standing: the access token it was issued from and everything upstream of it are still in good standing.
/// </summary>
public sealed class TransactionTokenValidator(SigningKeyRing keys, TokenServiceOptions options, TimeProvider time, RevocationSet revocations)
{
    /// <summary>The claim naming the <c>jti</c> of the access token a transaction token was issued from.</summary>
    public const string ParentClaim = "parent_jti";

    /// <summary>Validates <paramref name="token"/> for the configured trust domain.</summary>
    public TransactionTokenValidation Validate(string token)
    {
        try
        {
            using var jws = CompactJws.Parse(token, JwsAlgorithms.Issuer);
            return Check(jws);
        }
        catch (JoseException ex)
        {
            return new(null, ex.Message);
        }
    }

    private TransactionTokenValidation Check(CompactJws jws)
    {
        if (!string.Equals(jws.Type, TransactionTokenGrant.JwtType, StringComparison.OrdinalIgnoreCase))
        {
            return new(null, $"a `{jws.Type ?? "untyped"}` token is not a transaction token");
        }

        var key = jws.KeyId is null ? null : keys.Find(jws.KeyId);
        if (key is null || !jws.Verify(key.PublicJwk))
        {
            return new(null, key is null ? "the token was not signed by a key this issuer publishes" : "the token signature is invalid");
        }

        var claims = jws.Claims;
        if (ClaimSet.String(claims, "iss") != options.Issuer)
        {
            return new(null, "the token was issued by another issuer");
        }

        if (!ClaimSet.AudienceContains(claims, options.TrustDomain))
        {
            return new(null, $"the token is not for the trust domain `{options.TrustDomain}`");
        }

        var now = time.GetUtcNow();
        var exp = ClaimSet.Time(claims, "exp") ?? throw new JoseException("the token has no `exp`");
        var iat = ClaimSet.Time(claims, "iat") ?? throw new JoseException("the token has no `iat`");
        if (exp <= now - options.ClockSkew)
        {
            return new(null, "the token has expired");
        }

        if (iat > now + options.ClockSkew)
        {
            return new(null, "the token was issued in the future");
        }

        // An admin may revoke one transaction token by its `jti` (POST /v1/delegations/{jti}/revoke), not only its origin.
        if (revocations.IsRevoked(ClaimSet.RequireString(claims, "jti")))
        {
            return new(null, "the token was revoked");
        }

        var valid = new ValidatedTransactionToken(
            ClaimSet.RequireString(claims, "txn"),
            ClaimSet.RequireString(claims, "sub"),
            ClaimSet.String(claims, "sub_kind"),
            ClaimSet.RequireString(claims, "req_wl"),
            ClaimSet.RequireString(claims, "scope"),
            ActorClaims.Read(claims),
            AuthorizationDetails.FromClaims(claims),
            Raw(claims, "tctx"),
            Raw(claims, "rctx"),
            ClaimSet.RequireString(claims, ParentClaim),
            iat,
            exp);
        return revocations.CheckDerived(valid.ParentTokenId, valid.Subject, valid.RequestingWorkload) is { } reason
            ? new(null, reason)
            : new(valid, null);
    }

    private static string? Raw(JsonElement claims, string name) =>
        !claims.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Object ? value.GetRawText()
        : throw new JoseException($"the token's `{name}` claim must be a JSON object");
}

/// <summary>The claims of a valid transaction token.</summary>
/// <param name="TransactionId">The transaction (<c>txn</c>), the same across the whole call chain.</param>
/// <param name="Subject">The identity that initiated the transaction (<c>sub</c>).</param>
/// <param name="SubjectKind">Its Cedar entity type, when stated.</param>
/// <param name="RequestingWorkload">The workload that requested the token (<c>req_wl</c>).</param>
/// <param name="Purpose">The purpose of the transaction (<c>scope</c>).</param>
/// <param name="Actors">The delegation chain of the access token it came from, current actor first.</param>
/// <param name="AuthorizationDetails">The authorization details of that access token, if any.</param>
/// <param name="TransactionContext">The <c>tctx</c> object as JSON, if present.</param>
/// <param name="RequestContext">The <c>rctx</c> object as JSON, if present.</param>
/// <param name="ParentTokenId">The <c>jti</c> of the access token it came from.</param>
/// <param name="IssuedAt">Issue time.</param>
/// <param name="ExpiresAt">Expiry.</param>
public sealed record ValidatedTransactionToken(
    string TransactionId, string Subject, string? SubjectKind, string RequestingWorkload, string Purpose, IReadOnlyList<string> Actors,
    IReadOnlyList<MandateDetail>? AuthorizationDetails, string? TransactionContext, string? RequestContext, string ParentTokenId,
    DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// The transaction as a decision sees it, for a request's Cedar context: <c>initiator</c> is the initiating
    /// entity (for example <c>Workload::"billing-run"</c>) and <c>transaction</c> holds <c>id</c>, <c>purpose</c>,
    /// <c>requester</c> (the requesting workload's id), <c>actors</c> (the delegation chain's ids), and the
    /// <c>tctx</c> and <c>rctx</c> objects. Resolve <c>requester</c> and <c>actors</c> to entities with the
    /// inventory when a policy needs them as entities.
    /// </summary>
    public IReadOnlyDictionary<string, CedarValue> ToDecisionContext()
    {
        var transaction = new Dictionary<string, CedarValue>(StringComparer.Ordinal)
        {
            ["id"] = new StringValue(TransactionId),
            ["purpose"] = new StringValue(Purpose),
            ["requester"] = new StringValue(RequestingWorkload),
            ["actors"] = new SetValue(Actors.Select(a => (CedarValue)new StringValue(a))),
            ["tctx"] = Record(TransactionContext),
            ["rctx"] = Record(RequestContext),
        };
        return new Dictionary<string, CedarValue>(StringComparer.Ordinal)
        {
            ["initiator"] = EntityUid.Of(SubjectKind ?? "Workload", Subject),
            ["transaction"] = new RecordValue(transaction),
        };
    }

    private static RecordValue Record(string? json)
    {
        if (json is null)
        {
            return RecordValue.Empty;
        }

        using var document = JsonDocument.Parse(json);
        return CedarJson.ParseContext(document.RootElement);
    }
}

/// <summary>A validated transaction token, or why it was refused.</summary>
public readonly record struct TransactionTokenValidation(ValidatedTransactionToken? Token, string? Error);
