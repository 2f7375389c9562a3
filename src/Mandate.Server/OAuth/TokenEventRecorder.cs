using Mandate.Core;
using Mandate.Core.Events;
using Mandate.Telemetry;
using Mandate.Tokens;
using Mandate.Tokens.Issuance;

namespace Mandate.Server.OAuth;

/// <summary>Records token outcomes as Authentication events and feeds last-used times to the inventory.</summary>
internal sealed class TokenEventRecorder(IEventSink events, UsageRecorder usage, MandateMetrics metrics, TimeProvider time) : ITokenEvents
{
    public void Issued(IssuedToken token, TokenRequestContext context)
    {
        metrics.Token("issued");
        var now = time.GetUtcNow();
        usage.Used(token.Subject, token.CredentialId, now);
        events.Emit(new MandateEvent
        {
            Id = MandateId.New("evt"),
            Time = now,
            Category = EventCategory.Authentication,
            Type = "token.issued",
            Outcome = EventOutcome.Success,
            ActorId = token.Subject,
            Action = token.AuthenticationMethod,
            ResourceType = "Audience",
            ResourceId = string.Join(' ', token.Audiences),
            TokenId = token.TokenId,
            SourceIp = context.SourceIp,
            UserAgent = context.UserAgent,
            RequestId = context.RequestId,
            Message = $"access token for `{token.Subject}` via credential `{token.CredentialId}` ({token.AuthenticationMethod}"
                + (token.AuthenticationMethod is Tokens.Clients.ClientAuthentication.ClientSecretPost or Tokens.Clients.ClientAuthentication.ClientSecretBasic
                    ? ": an API key, weaker than key-based proof" : string.Empty)
                + $"), expires {token.ExpiresAt:O}",
        });
    }

    public void Refused(OAuthError error, string? clientId, TokenRequestContext context)
    {
        metrics.Token(error.Error);
        events.Emit(new MandateEvent
        {
            Id = MandateId.New("evt"),
            Time = time.GetUtcNow(),
            Category = EventCategory.Authentication,
            Type = "token.refused",
            Outcome = EventOutcome.Failure,
            ActorId = clientId,
            Action = "token",
            SourceIp = context.SourceIp,
            UserAgent = context.UserAgent,
            RequestId = context.RequestId,
            Message = $"{error.Error}: {error.Description}",
        });
    }
}
