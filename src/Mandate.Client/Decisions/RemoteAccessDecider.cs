using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Mandate.Client.Decisions;

/// <summary>
/// Asks Mandate over HTTP with the AuthZEN Authorization API (<c>POST /access/v1/evaluation</c>), on pooled keep-alive
/// connections. A question carrying the caller's token is asked for that token (subject type <c>access_token</c>), so
/// Mandate decides it over the token's delegation chain and standing; a transaction token travels in <c>Txn-Token</c>.
/// The server records each decision as an event. Any failure or timeout is a deny (fail closed).
/// </summary>
/// <param name="http">A client whose handler pools connections (one per process is right).</param>
/// <param name="server">The Mandate server's address.</param>
/// <param name="credential">Supplies the bearer credential of this enforcement point (an admin or Mandate access token).</param>
/// <param name="timeout">How long to wait for a decision before refusing.</param>
public sealed class RemoteAccessDecider(HttpClient http, Uri server, Func<CancellationToken, ValueTask<string>> credential, TimeSpan timeout) : IAccessDecider
{
    /// <summary>The AuthZEN subject type Mandate reads as "the decision is for this access token".</summary>
    public const string TokenSubjectType = "access_token";

    /// <summary>The header that propagates a transaction token.</summary>
    public const string TransactionHeader = "Txn-Token";

    private readonly Uri _endpoint = new(server.AbsoluteUri.TrimEnd('/') + "/access/v1/evaluation");

    /// <inheritdoc />
    public async ValueTask<AccessDecision> DecideAsync(AccessQuestion question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
            {
                Content = JsonContent.Create(new AccessEvaluationRequest(
                    question.AccessToken is { } token ? new WireEntity(TokenSubjectType, token) : new WireEntity(question.SubjectType, question.SubjectId),
                    new WireAction(question.Action),
                    new WireEntity(question.ResourceType, question.ResourceId),
                    question.Context), ClientJsonContext.Default.AccessEvaluationRequest),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await credential(deadline.Token));
            if (question.RequestId is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Request-ID", question.RequestId);
            }

            if (question.TransactionToken is not null)
            {
                request.Headers.TryAddWithoutValidation(TransactionHeader, question.TransactionToken);
            }

            using var response = await http.SendAsync(request, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                return AccessDecision.Failed($"the decision service answered {(int)response.StatusCode}");
            }

            var answer = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.AccessEvaluationResponse, deadline.Token);
            return answer is { Decision: true } ? AccessDecision.Allow : AccessDecision.Deny();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AccessDecision.Failed($"no decision within {timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or MandateClientException)
        {
            return AccessDecision.Failed("the decision service failed: " + ex.Message);
        }
    }
}

/// <summary>An AuthZEN subject or resource.</summary>
internal sealed record WireEntity([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("id")] string Id);

/// <summary>An AuthZEN action.</summary>
internal sealed record WireAction([property: JsonPropertyName("name")] string Name);

/// <summary>The body of an AuthZEN access evaluation.</summary>
internal sealed record AccessEvaluationRequest(
    [property: JsonPropertyName("subject")] WireEntity Subject,
    [property: JsonPropertyName("action")] WireAction Action,
    [property: JsonPropertyName("resource")] WireEntity Resource,
    [property: JsonPropertyName("context")] IReadOnlyDictionary<string, string> Context);

/// <summary>The answer of an AuthZEN access evaluation (only the decision is read).</summary>
internal sealed record AccessEvaluationResponse([property: JsonPropertyName("decision")] bool Decision);
