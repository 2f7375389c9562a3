using System.Net;
using System.Text;
using System.Text.Json;

namespace Mandate.Server.Tests.OAuth;

/// <summary>
/// Garbage sent to the token, introspection and registration endpoints: every answer is a 4xx with RFC 6749 / RFC 7591
/// error JSON naming a registered error code, never a 500, and nothing is stored.
/// </summary>
public sealed class MalformedRequestTests(TokenServiceFixture fixture) : IClassFixture<TokenServiceFixture>
{
    private static readonly string[] OAuthErrors =
        ["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope", "invalid_target", "invalid_dpop_proof"];

    private static readonly string[] RegistrationErrors = ["invalid_client_metadata", "invalid_redirect_uri", "invalid_token"];

    private static string Assertion => "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.AAAA";

    public static TheoryData<string, string, string?, string> TokenRequests => new()
    {
        { "json instead of a form", """{"grant_type":"client_credentials"}""", "application/json", "invalid_request" },
        { "text body", "grant_type=client_credentials", "text/plain", "invalid_request" },
        { "no content type", "grant_type=client_credentials", null, "invalid_request" },
        { "multipart", "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--x--\r\n", "multipart/form-data; boundary=x", "invalid_request" },
        { "empty form", "", "application/x-www-form-urlencoded", "invalid_request" },
        { "repeated grant_type", "grant_type=client_credentials&grant_type=client_credentials", "application/x-www-form-urlencoded", "invalid_request" },
        { "repeated assertion", $"grant_type=client_credentials&client_assertion={Assertion}&client_assertion={Assertion}", "application/x-www-form-urlencoded", "invalid_request" },
        { "unknown grant", "grant_type=password&username=a&password=b", "application/x-www-form-urlencoded", "unsupported_grant_type" },
        { "huge grant type", "grant_type=" + new string('g', 70_000), "application/x-www-form-urlencoded", "invalid_request" },
        { "huge assertion", "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" + new string('a', 60_000), "application/x-www-form-urlencoded", "invalid_client" },
        { "bad base64 in assertion", "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=%21%21.%21%21.%21%21", "application/x-www-form-urlencoded", "invalid_client" },
        { "bad json in assertion", "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=e30.bm90IGpzb24.AAAA", "application/x-www-form-urlencoded", "invalid_client" },
        { "assertion payload an array", "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJhbGciOiJFUzI1NiJ9.WzEsMl0.AAAA", "application/x-www-form-urlencoded", "invalid_client" },
        { "claims of the wrong types", "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOjEsInN1YiI6W10sImV4cCI6InNvb24ifQ.AAAA", "application/x-www-form-urlencoded", "invalid_client" },
        { "wrong assertion type", $"grant_type=client_credentials&client_assertion_type=urn%3Aother&client_assertion={Assertion}", "application/x-www-form-urlencoded", "invalid_client" },
        { "no client authentication", "grant_type=client_credentials", "application/x-www-form-urlencoded", "invalid_client" },
        { "jwt-bearer without assertion", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", "application/x-www-form-urlencoded", "invalid_request" },
        { "jwt-bearer with garbage", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=not-a-jwt", "application/x-www-form-urlencoded", "invalid_grant" },
        { "bad percent encoding", "grant_type=client_%ZZcredentials", "application/x-www-form-urlencoded", "unsupported_grant_type" },
        { "nul bytes", "grant_type=client_credentials%00&client_id=%00", "application/x-www-form-urlencoded", "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(TokenRequests))]
    public async Task TokenEndpoint_AnswersGarbageWithOAuthErrors(string name, string body, string? contentType, string error)
    {
        var (status, json) = await PostAsync("/oauth2/token", body, contentType);

        AssertOAuthError(name, status, json, OAuthErrors);
        Assert.True(json.GetProperty("error").GetString() == error, $"{name}: {json}");
    }

    [Theory]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic Og==")]
    [InlineData("Basic bm8tY29sb24=")]
    [InlineData("DPoP x")]
    public async Task TokenEndpoint_AnswersBadAuthorizationHeadersWithOAuthErrors(string authorization)
    {
        using var http = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new StringContent("grant_type=client_credentials", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request);

        AssertOAuthError(authorization, response.StatusCode, await TestServer.ReadJsonAsync(response), OAuthErrors);
    }

    [Theory]
    [InlineData("/oauth2/token", "grant_type=client_credentials", "oauth-bot:wrong-secret")]
    [InlineData("/oauth2/token", "grant_type=client_credentials", "no-colon")]
    [InlineData("/oauth2/introspect", "token=abc", "oauth-bot:wrong-secret")]
    [InlineData("/oauth2/revoke", "token=abc", "oauth-bot:wrong-secret")]
    public async Task InvalidClient_AfterHttpBasic_ChallengesWithBasic(string path, string body, string credentials)
    {
        using var http = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await TestServer.ReadJsonAsync(response)).GetProperty("error").GetString());
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal(("Basic", "realm=\"mandate\""), (challenge.Scheme, challenge.Parameter));
    }

    [Fact]
    public async Task InvalidClient_WithoutTheAuthorizationHeader_ChallengesWithWhatTheEndpointTakes()
    {
        using var http = fixture.Server.CreateClient();
        using var token = await http.PostAsync("/oauth2/token", new StringContent("grant_type=client_credentials", Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var introspection = await http.PostAsync("/oauth2/introspect", new StringContent("token=abc", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        Assert.Equal("Basic", Assert.Single(token.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, introspection.StatusCode);
        Assert.Equal("Bearer", Assert.Single(introspection.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task TokenEndpoint_AnswersRepeatedOrGarbageDpopHeaders()
    {
        foreach (var proofs in new[] { new[] { "a", "b" }, ["not.a.jwt"], ["e30.e30.AAAA"] })
        {
            using var http = fixture.Server.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
            {
                Content = new StringContent("grant_type=client_credentials", Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            request.Headers.TryAddWithoutValidation("DPoP", proofs);
            using var response = await http.SendAsync(request);
            var json = await TestServer.ReadJsonAsync(response);

            AssertOAuthError(string.Join(',', proofs), response.StatusCode, json, OAuthErrors);
            Assert.Equal("invalid_dpop_proof", json.GetProperty("error").GetString());
        }
    }

    public static TheoryData<string, string, string?> IntrospectionRequests => new()
    {
        { "json body", """{"token":"x"}""", "application/json" },
        { "no token", "", "application/x-www-form-urlencoded" },
        { "repeated token", "token=a&token=b", "application/x-www-form-urlencoded" },
        { "huge form", "token=" + new string('t', 70_000), "application/x-www-form-urlencoded" },
    };

    [Theory]
    [MemberData(nameof(IntrospectionRequests))]
    public async Task Introspection_AnswersGarbageWithOAuthErrors(string name, string body, string? contentType)
    {
        var (status, json) = await PostAsync("/oauth2/introspect", body, contentType, TestServer.AdminToken);

        AssertOAuthError(name, status, json, OAuthErrors);
    }

    [Fact]
    public async Task Introspection_WithoutCallerAuthentication_IsInvalidClient_AndGarbageTokensAreInactive()
    {
        var (status, json) = await PostAsync("/oauth2/introspect", "token=abc", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", json.GetProperty("error").GetString());

        foreach (var token in new[] { "abc", "a.b.c", "%00", Assertion, new string('x', 20_000) })
        {
            var (ok, inactive) = await PostAsync("/oauth2/introspect", "token=" + Uri.EscapeDataString(token), "application/x-www-form-urlencoded", TestServer.AdminToken);
            Assert.Equal(HttpStatusCode.OK, ok);
            Assert.False(inactive.GetProperty("active").GetBoolean());
        }
    }

    public static TheoryData<string, string, string?> RegistrationRequests => new()
    {
        { "form body", "client_name=x", "application/x-www-form-urlencoded" },
        { "not json", "{client_name:", "application/json" },
        { "array", "[]", "application/json" },
        { "string", "\"x\"", "application/json" },
        { "deep nesting", new string('[', 5000) + new string(']', 5000), "application/json" },
        { "huge", "{\"client_name\":\"" + new string('n', 70_000) + "\"}", "application/json" },
    };

    [Theory]
    [MemberData(nameof(RegistrationRequests))]
    public async Task Registration_AnswersGarbageWithRfc7591Errors(string name, string body, string? contentType)
    {
        var (status, json) = await PostAsync("/oauth2/register", body, contentType, "mnd_reg_unknown");

        AssertOAuthError(name, status, json, RegistrationErrors);
    }

    private static void AssertOAuthError(string name, HttpStatusCode status, JsonElement json, string[] codes)
    {
        Assert.True((int)status is >= 400 and < 500, $"{name}: HTTP {(int)status} {json}");
        Assert.True(json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var error) && codes.Contains(error.GetString()), $"{name}: {json}");
        Assert.False(string.IsNullOrEmpty(json.GetProperty("error_description").GetString()), name);
    }

    private async Task<(HttpStatusCode, JsonElement)> PostAsync(string path, string body, string? contentType, string? bearer = null)
    {
        using var http = fixture.Server.CreateClient(bearer);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await http.PostAsync(path, content);
        return (response.StatusCode, await TestServer.ReadJsonAsync(response));
    }
}
