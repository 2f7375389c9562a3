using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Mandate.Client.Tokens;

/// <summary>The members of a Mandate server's RFC 8414 authorization server metadata that clients use.</summary>
/// <param name="Issuer">The issuer identifier (tokens carry it as <c>iss</c>).</param>
/// <param name="TokenEndpoint">Where tokens are requested.</param>
/// <param name="JwksUri">Where the signing keys are published.</param>
public sealed record IssuerMetadata(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: JsonPropertyName("jwks_uri")] string JwksUri)
{
    /// <summary>The path of the metadata document below the server's address.</summary>
    public const string Path = ".well-known/oauth-authorization-server";

    /// <summary>How long fetching the document, or the issuer's key set, may take before it counts as failed.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Fetches the metadata of the server at <paramref name="server"/>.</summary>
    /// <exception cref="MandateClientException">The document cannot be fetched in time or lacks a member.</exception>
    public static async Task<IssuerMetadata> FetchAsync(HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(server);
        var address = new Uri(server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/"), Path);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(FetchTimeout);
            var metadata = await http.GetFromJsonAsync(address, ClientJsonContext.Default.IssuerMetadata, deadline.Token);
            return metadata is { Issuer.Length: > 0, TokenEndpoint.Length: > 0, JwksUri.Length: > 0 }
                ? metadata
                : throw new MandateClientException($"`{address}` lacks `issuer`, `token_endpoint` or `jwks_uri`");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MandateClientException($"the authorization server metadata at `{address}` did not arrive within {FetchTimeout.TotalSeconds:0} s", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException)
        {
            throw new MandateClientException($"cannot read the authorization server metadata at `{address}`: {ex.Message}", ex);
        }
    }
}
