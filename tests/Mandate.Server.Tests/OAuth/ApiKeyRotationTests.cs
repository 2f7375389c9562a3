using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Mandate.Server.Tests.OAuth;

/// <summary>API keys rotate with an overlap: both keys work during it, the old one stops after it, and keys are marked weak.</summary>
public sealed class ApiKeyRotationTests(TokenServiceFixture fixture) : IClassFixture<TokenServiceFixture>
{
    [Fact]
    public async Task Rotation_KeepsTheOldKeyForTheOverlapOnly()
    {
        var issued = await fixture.Server.PostJsonAsync($"/v1/identities/{TokenServiceFixture.AgentId}/credentials", new { kind = "api_key" });
        var oldId = issued.GetProperty("credential").GetProperty("id").GetString()!;
        var oldSecret = issued.GetProperty("secret").GetString()!;
        Assert.True(issued.GetProperty("credential").GetProperty("is_weak").GetBoolean());

        var rotated = await fixture.Server.PostJsonAsync($"/v1/credentials/{oldId}/rotate", new { overlap_seconds = 600 });
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.True(rotated.GetProperty("credential").TryGetProperty("rotated_at", out _));
        var retiresAt = rotated.GetProperty("retiring").GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(retiresAt, DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));

        Assert.Equal(HttpStatusCode.OK, await TokenWithSecretAsync(oldSecret));
        Assert.Equal(HttpStatusCode.OK, await TokenWithSecretAsync(newSecret));

        // An overlap of zero retires the key at once.
        var next = await fixture.Server.PostJsonAsync($"/v1/credentials/{rotated.GetProperty("credential").GetProperty("id").GetString()}/rotate", new { overlap_seconds = 0 });
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenWithSecretAsync(newSecret));
        Assert.Equal(HttpStatusCode.OK, await TokenWithSecretAsync(next.GetProperty("secret").GetString()!));
    }

    [Theory]
    [InlineData("""{"overlap_seconds":-1}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"overlap_seconds":99999999999999999}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"overlap_seconds":"soon"}""", HttpStatusCode.BadRequest)]
    public async Task BadOverlaps_AreProblems(string body, HttpStatusCode expected)
    {
        var issued = await fixture.Server.PostJsonAsync($"/v1/identities/{TokenServiceFixture.AgentId}/credentials", new { kind = "api_key" });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await fixture.Server.Admin.PostAsync($"/v1/credentials/{issued.GetProperty("credential").GetProperty("id").GetString()}/rotate", content);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task OnlyApiKeysRotate()
    {
        var keys = await fixture.Server.GetJsonAsync($"/v1/credentials?identity={TokenServiceFixture.AgentId}&kind=public_key");
        var id = keys.GetProperty("items")[0].GetProperty("id").GetString();
        Assert.False(keys.GetProperty("items")[0].GetProperty("is_weak").GetBoolean());

        using var response = await fixture.Server.Admin.PostAsync($"/v1/credentials/{id}/rotate", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    private async Task<HttpStatusCode> TokenWithSecretAsync(string secret)
    {
        using var http = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TokenServiceFixture.AgentId}:{secret}")));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
