using Mandate.Core;
using Mandate.Core.Events;
using Mandate.Telemetry;
using Mandate.Tokens;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Revocation;

namespace Mandate.Server.OAuth;

/// <summary>
/// Records token outcomes as events (with the delegation chain in <see cref="MandateEvent.Chain"/>), refused
/// escalations as security findings, and feeds last-used times to the inventory.
/// </summary>
internal sealed class TokenEventRecorder(IEventSink events, UsageRecorder usage, MandateMetrics metrics, TimeProvider time) : ITokenEvents
{
    public void Issued(IssuedToken token, TokenRequestContext context)
    {
        metrics.Token("issued");
        var now = time.GetUtcNow();
        usage.Used(token.ClientId, token.CredentialId, now);
        var weak = token.AuthenticationMethod is Tokens.Clients.ClientAuthentication.ClientSecretPost or Tokens.Clients.ClientAuthentication.ClientSecretBasic
            ? ": an API key, weaker than key-based proof"
            : string.Empty;
        events.Emit(new MandateEvent
        {
            Id = MandateId.New("evt"),
            Time = now,
            Category = EventCategory.Authentication,
            Type = token.Grant switch
            {
                "client_credentials" => "token.issued",
                "transaction" => "txn_token.issued",
                _ => "token.exchanged",
            },
            Outcome = EventOutcome.Success,
            ActorId = token.ClientId,
            Chain = ChainOf(token.ClientId, token.Actors, token.Subject),
            Action = token.AuthenticationMethod,
            ResourceType = "Audience",
            ResourceId = string.Join(' ', token.Audiences),
            TokenId = token.TokenId,
            SourceIp = context.SourceIp,
            UserAgent = context.UserAgent,
            RequestId = context.RequestId,
            Message = token.Grant == "client_credentials"
                ? $"access token for `{token.Subject}` via credential `{token.CredentialId}` ({token.AuthenticationMethod}{weak}), expires {token.ExpiresAt:O}"
                : $"{token.Grant} token for `{token.Subject}` exchanged from `{token.ParentTokenId}` by `{token.ClientId}` via credential `{token.CredentialId}` "
                    + $"({token.AuthenticationMethod}{weak}){(token.Scope is null ? string.Empty : $", scope `{token.Scope}`")}, expires {token.ExpiresAt:O}",
        });
    }

    public void Refused(OAuthError error, string? clientId, TokenRequestContext context)
    {
        metrics.Token(error.Error);
        var now = time.GetUtcNow();
        events.Emit(Refusal(now, EventCategory.Authentication, "token.refused", error, clientId, context));
        if (error.IsEscalation)
        {
            events.Emit(Refusal(now, EventCategory.DetectionFinding, "escalation.refused", error, clientId, context));
        }
    }

    public void Revoked(RevokedToken token, TokenRequestContext context)
    {
        metrics.Token("revoked");
        var revocation = token.Revocation;
        events.Emit(new MandateEvent
        {
            Id = MandateId.New("evt"),
            Time = revocation.RevokedAt,
            Category = EventCategory.AccountChange,
            Type = "token.revoked",
            Outcome = EventOutcome.Success,
            ActorId = revocation.RevokedBy,
            Chain = token.Subject is null ? [] : [.. token.Actors, token.Subject],
            Action = "revoke",
            ResourceType = "Token",
            ResourceId = revocation.TokenId,
            TokenId = revocation.TokenId,
            SourceIp = context.SourceIp,
            UserAgent = context.UserAgent,
            RequestId = context.RequestId,
            Message = $"token `{revocation.TokenId}`{(token.Subject is null ? string.Empty : $" of `{token.Subject}`")} and everything exchanged from it revoked"
                + (revocation.Reason is null ? string.Empty : ": " + revocation.Reason),
        });
    }

    /// <summary>On whose behalf <paramref name="actor"/> acts: the rest of the chain, innermost delegator (the subject) last.</summary>
    private static IReadOnlyList<string> ChainOf(string actor, IReadOnlyList<string> actors, string subject) =>
        [.. actors.Append(subject).SkipWhile(a => a == actor)];

    private static MandateEvent Refusal(DateTimeOffset now, EventCategory category, string type, OAuthError error, string? clientId, TokenRequestContext context) => new()
    {
        Id = MandateId.New("evt"),
        Time = now,
        Category = category,
        Type = type,
        Outcome = EventOutcome.Failure,
        ActorId = clientId,
        Chain = [.. error.Chain.SkipWhile(c => c == clientId)],
        Action = "token",
        SourceIp = context.SourceIp,
        UserAgent = context.UserAgent,
        RequestId = context.RequestId,
        Message = $"{error.Error}: {error.Description}",
    };
}
