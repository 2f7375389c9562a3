using System.Net;
using System.Net.Http.Json;

namespace Mandate.Server.Tests.OAuth;

/// <summary>DPoP over HTTP: the nonce round trip, bound tokens, and their use (and misuse) at Mandate's own APIs.</summary>
public sealed class DpopHttpTests(TokenServiceFixture fixture) : IClassFixture<TokenServiceFixture>
{
    private string EvaluationUrl => new Uri(fixture.Server.BaseAddress, "/access/v1/evaluation").ToString();

    [Fact]
    public async Task TokenEndpoint_AsksForANonce_ThenIssuesABoundToken()
    {
        var (first, error) = await fixture.RequestTokenAsync(dpopProof: fixture.Key.DpopProof("POST", fixture.TokenEndpoint));
        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal("use_dpop_nonce", error.GetProperty("error").GetString());
        var nonce = first.Headers.GetValues("DPoP-Nonce").Single();

        var proof = fixture.Key.DpopProof("POST", fixture.TokenEndpoint, nonce: nonce);
        var (second, body) = await fixture.RequestTokenAsync(dpopProof: proof);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("DPoP", body.GetProperty("token_type").GetString());

        var (replayed, replay) = await fixture.RequestTokenAsync(dpopProof: proof);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Equal("invalid_dpop_proof", replay.GetProperty("error").GetString());

        var (elsewhere, wrongHtu) = await fixture.RequestTokenAsync(dpopProof: fixture.Key.DpopProof("POST", "https://evil.example/oauth2/token", nonce: nonce));
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Equal("invalid_dpop_proof", wrongHtu.GetProperty("error").GetString());
    }

    [Fact]
    public async Task BoundToken_WorksOnlyWithAProofForThisRequestAndToken()
    {
        var token = await fixture.DpopTokenAsync();

        Assert.Equal(HttpStatusCode.OK, await EvaluateAsync("DPoP", token, fixture.Key.DpopProof("POST", EvaluationUrl, token)));
        Assert.Equal(HttpStatusCode.Unauthorized, await EvaluateAsync("Bearer", token, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await EvaluateAsync("DPoP", token, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await EvaluateAsync("DPoP", token, fixture.Key.DpopProof("POST", EvaluationUrl, "another-token")));
        Assert.Equal(HttpStatusCode.Unauthorized, await EvaluateAsync("DPoP", token, fixture.Key.DpopProof("GET", EvaluationUrl, token)));
        Assert.Equal(HttpStatusCode.Unauthorized, await EvaluateAsync("DPoP", token, fixture.Key.DpopProof("POST", EvaluationUrl + "s", token)));

        var once = fixture.Key.DpopProof("POST", EvaluationUrl, token);
        Assert.Equal(HttpStatusCode.OK, await EvaluateAsync("DPoP", token, once));
        Assert.Equal(HttpStatusCode.Unauthorized, await EvaluateAsync("DPoP", token, once));

        using var thief = new AgentKey();
        Assert.Equal(HttpStatusCode.Unauthorized, await EvaluateAsync("DPoP", token, thief.DpopProof("POST", EvaluationUrl, token)));
    }

    [Fact]
    public async Task BearerToken_IsRefusedWithTheDpopScheme_AndIntrospectionReportsTheBinding()
    {
        var (_, bearer) = await fixture.RequestTokenAsync();
        var bearerToken = bearer.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, await EvaluateAsync("DPoP", bearerToken, fixture.Key.DpopProof("POST", EvaluationUrl, bearerToken)));

        var bound = await fixture.DpopTokenAsync();
        using var response = await fixture.Server.Admin.PostAsync("/oauth2/introspect", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = bound }));
        var body = await TokenServiceFixture.JsonAsync(response);
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("DPoP", body.GetProperty("token_type").GetString());
        Assert.Equal(fixture.Key.Jwk.Thumbprint, body.GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task RefusedProof_ChallengesWithTheDpopScheme()
    {
        var token = await fixture.DpopTokenAsync();
        using var http = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/access/v1/evaluation") { Content = JsonContent.Create(Decision) };
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        request.Headers.Add("DPoP", fixture.Key.DpopProof("POST", EvaluationUrl, "other"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "DPoP" && h.Parameter!.Contains("error=\"invalid_dpop_proof\"", StringComparison.Ordinal));
    }

    private static readonly object Decision = new
    {
        subject = new { type = "Agent", id = TokenServiceFixture.AgentId },
        action = new { name = "read" },
        resource = new { type = "Table", id = "invoices" },
    };

    private async Task<HttpStatusCode> EvaluateAsync(string scheme, string token, string? proof)
    {
        using var http = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/access/v1/evaluation") { Content = JsonContent.Create(Decision) };
        request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {token}");
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
