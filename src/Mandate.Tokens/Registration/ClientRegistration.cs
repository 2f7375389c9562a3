using System.Text.Json;
using Mandate.Core.Administration;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Registration;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Registration;

/// <summary>
/// RFC 7591 dynamic client registration. An initial access token issued by an admin authorizes it; the new client
/// is an agent, service account or workload identity owned by the token's human owner, proving itself with the
/// keys it registers (<c>jwks</c> or <c>jwks_uri</c>, <c>private_key_jwt</c> only: no shared secret is ever issued).
/// </summary>
public sealed class ClientRegistration(RegistrationTokens tokens, IdentityRegistry identities, RemoteKeySets remoteKeys, IEventSink events, TimeProvider time)
{
    /// <summary>Largest registration request accepted.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>Registers a client described by <paramref name="metadata"/>.</summary>
    /// <param name="initialAccessToken">The bearer token from the request, or null.</param>
    /// <param name="metadata">The client metadata JSON object.</param>
    /// <param name="audit">Where the request came from; the actor is replaced by the registration token.</param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    public async Task<RegistrationResult> RegisterAsync(string? initialAccessToken, JsonElement metadata, AuditContext audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var result = await RegisterCoreAsync(initialAccessToken, metadata, audit, cancellationToken);
        if (result.Status != 201)
        {
            events.Emit(audit.ToEvent(time.GetUtcNow(), EventCategory.Authentication, "client.registration_refused", EventOutcome.Failure,
                message: $"{result.Body["error"]}: {result.Body["error_description"]}"));
        }

        return result;
    }

    private async Task<RegistrationResult> RegisterCoreAsync(string? initialAccessToken, JsonElement metadata, AuditContext audit, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(initialAccessToken))
        {
            return RegistrationResult.Unauthorized("registration needs an initial access token: `Authorization: Bearer <token>` from an admin");
        }

        ClientMetadata request;
        try
        {
            request = ClientMetadata.Read(metadata);
        }
        catch (RegistrationException ex)
        {
            return RegistrationResult.Refused(ex.Error, ex.Message);
        }

        try
        {
            // The JWKS URL is fetched only once a valid token holds a use: nobody without one makes Mandate fetch anything.
            var created = await tokens.SpendAsync(initialAccessToken, async token =>
            {
                if (request.JwksUri is { } uri && await remoteKeys.GetAsync(uri, null, cancellationToken) is { Keys: null } fetched)
                {
                    throw new RegistrationException("invalid_client_metadata", "`jwks_uri`: " + fetched.Error);
                }

                return await identities.CreateAsync(request.ToIdentity(token),
                    audit with { ActorId = "registration:" + token.Id, ActorKind = "registration_token" }, cancellationToken);
            }, cancellationToken);
            return created is null
                ? RegistrationResult.Unauthorized("the initial access token is unknown, revoked, expired or used up")
                : RegistrationResult.Registered(request.Response(created, time.GetUtcNow()));
        }
        catch (RegistrationException ex)
        {
            return RegistrationResult.Refused(ex.Error, ex.Message);
        }
        catch (MandateException ex) when (ex.Code is ErrorCode.InvalidArgument or ErrorCode.Conflict)
        {
            return RegistrationResult.Refused("invalid_client_metadata", ex.Message);
        }
    }
}
