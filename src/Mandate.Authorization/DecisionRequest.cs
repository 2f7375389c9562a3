using Mandate.Cedar.Values;
using Mandate.Tokens.Validation;

namespace Mandate.Authorization;

/// <summary>A question for the decision point, already in Cedar terms.</summary>
/// <param name="Principal">Who acts.</param>
/// <param name="Action">What they do.</param>
/// <param name="Resource">On what.</param>
/// <param name="Context">The request context (purpose, time, client IP, ...).</param>
/// <param name="PrincipalProperties">Attributes sent with the request that overlay the principal's stored ones.</param>
/// <param name="ResourceProperties">Attributes sent with the request that overlay the resource's stored ones.</param>
public sealed record DecisionRequest(
    EntityUid Principal, EntityUid Action, EntityUid Resource, RecordValue Context,
    RecordValue? PrincipalProperties = null, RecordValue? ResourceProperties = null)
{
    /// <summary>
    /// The validated access token the request is made with, when the subject is a token: the decision is then the
    /// intersection over its delegation chain (<see cref="Principal"/> must be the token's holder). With a
    /// <see cref="Refusal"/>, the claims of a token that is signed but out of standing, kept for the record.
    /// </summary>
    public ValidatedAccessToken? Token { get; init; }

    /// <summary>The validated transaction token propagated with the request, whose initiator and purpose policies can read.</summary>
    public ValidatedTransactionToken? Transaction { get; init; }

    /// <summary>
    /// Why a token sent with the request was refused (invalid, revoked, expired, another issuer's): the decision is
    /// then a deny that names it, recorded like any other.
    /// </summary>
    public string? Refusal { get; init; }
}

/// <summary>Who asked, for the audit trail: a value made per decision and read once, into its event.</summary>
/// <param name="CallerId">The authenticated caller (identity id or <c>admin</c>).</param>
/// <param name="TokenId">The caller's token id, when it used one.</param>
/// <param name="SourceIp">Caller address.</param>
/// <param name="UserAgent">Caller user agent.</param>
/// <param name="RequestId">Correlation id.</param>
public readonly record struct DecisionOrigin(string CallerId, string? TokenId, string? SourceIp, string? UserAgent, string? RequestId);

/// <summary>A decision and why.</summary>
/// <param name="Allowed">The decision.</param>
/// <param name="Reasons">Policies that determined it (the satisfied forbids on deny, permits on allow).</param>
/// <param name="Errors">Policies that failed to evaluate and were skipped, with their messages.</param>
public sealed record DecisionResult(bool Allowed, IReadOnlyList<string> Reasons, IReadOnlyList<DecisionError> Errors)
{
    /// <summary>For a delegated token, the identity on its chain whose decision failed (<c>Human::"alice"</c>), if one did.</summary>
    public string? FailedHop { get; init; }
}

/// <summary>A policy whose evaluation failed.</summary>
/// <param name="PolicyId">The policy.</param>
/// <param name="Message">Why it failed.</param>
public sealed record DecisionError(string PolicyId, string Message);
