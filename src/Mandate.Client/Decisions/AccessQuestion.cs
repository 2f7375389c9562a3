namespace Mandate.Client.Decisions;

/// <summary>
/// One question for the decision point, in AuthZEN terms: may subject <c>type::"id"</c> perform <c>action</c> on
/// resource <c>type::"id"</c> in this <c>context</c>? The caller's token id and the request id travel for the audit trail.
/// </summary>
/// <param name="SubjectType">Cedar entity type of the subject, e.g. <c>Agent</c>.</param>
/// <param name="SubjectId">The subject's id.</param>
/// <param name="Action">The action name (<c>Action::"name"</c>).</param>
/// <param name="ResourceType">Cedar entity type of the resource.</param>
/// <param name="ResourceId">The resource's id.</param>
/// <param name="Context">String values for the Cedar context (for example <c>purpose</c>).</param>
/// <param name="TokenId">The <c>jti</c> of the token the caller presented.</param>
/// <param name="RequestId">The correlation id of the protected request.</param>
/// <param name="SourceIp">The caller's address.</param>
/// <param name="UserAgent">The caller's user agent.</param>
public sealed record AccessQuestion(
    string SubjectType, string SubjectId, string Action, string ResourceType, string ResourceId,
    IReadOnlyDictionary<string, string> Context, string? TokenId = null, string? RequestId = null, string? SourceIp = null, string? UserAgent = null)
{
    /// <summary>
    /// The caller's access token as presented, with <see cref="Token"/> its validated claims: the decision is then made
    /// for the token (its holder, as the intersection over its delegation chain) rather than for the subject named above.
    /// </summary>
    public string? AccessToken { get; init; }

    /// <summary>The validated claims of <see cref="AccessToken"/>.</summary>
    public Mandate.Tokens.Validation.ValidatedAccessToken? Token { get; init; }

    /// <summary>A transaction token that came with the request (<c>Txn-Token</c>), passed on as it is.</summary>
    public string? TransactionToken { get; init; }
}

/// <summary>The answer: allowed or not, and whether it is a deny because no decision could be had (fail closed).</summary>
/// <param name="Allowed">Whether the request may proceed.</param>
/// <param name="Unavailable">True when the decision point failed or timed out and the request is refused for that reason.</param>
/// <param name="Reason">Why, for logs and problem details; never shown to callers beyond a short phrase.</param>
public readonly record struct AccessDecision(bool Allowed, bool Unavailable, string? Reason)
{
    /// <summary>An allow.</summary>
    public static AccessDecision Allow { get; } = new(true, false, null);

    /// <summary>A policy deny.</summary>
    public static AccessDecision Deny(string? reason = null) => new(false, false, reason);

    /// <summary>A deny because no decision could be had.</summary>
    public static AccessDecision Failed(string reason) => new(false, true, reason);
}

/// <summary>Asks a decision point. Implementations never throw for a failed decision: they answer <see cref="AccessDecision.Failed"/>.</summary>
public interface IAccessDecider
{
    /// <summary>Decides one question.</summary>
    ValueTask<AccessDecision> DecideAsync(AccessQuestion question, CancellationToken cancellationToken);
}
