using System.Net;
using System.Text.Json;

namespace Mandate.Server.Tests.Delegation;

/// <summary>Identities with their own keys on a <see cref="TestServer"/>, and the token requests they make over HTTP.</summary>
public sealed class Fleet(TestServer server) : IDisposable
{
    public const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    public const string TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string TxnTokenType = "urn:ietf:params:oauth:token-type:txn_token";

    private readonly Dictionary<string, AgentKey> _keys = new(StringComparer.Ordinal);

    public TestServer Server => server;

    public string Issuer => server.BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>Registers an identity with a public key (a human's is a workstation key).</summary>
    public async Task AddAsync(string id, string kind, string? owner = null, string? parent = null)
    {
        var key = new AgentKey();
        _keys[id] = key;
        await server.PostJsonAsync("/v1/identities", new
        {
            kind,
            id,
            display_name = id,
            owner,
            parent,
            credentials = new[] { new { kind = "public_key", jwk = key.PublicJwkJson } },
        });
    }

    /// <summary>Form fields authenticating <paramref name="id"/> with a fresh signed assertion (private_key_jwt).</summary>
    public List<KeyValuePair<string, string>> ClientAuth(string id) =>
    [
        new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        new("client_assertion", _keys[id].Assertion(id, Issuer)),
    ];

    /// <summary>POSTs a form to an OAuth endpoint as client <paramref name="id"/> (or unauthenticated when null).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string? id, params (string Name, string Value)[] fields)
    {
        using var client = server.CreateClient();
        var form = (id is null ? [] : ClientAuth(id)).Concat(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        using var response = await client.PostAsync(path, new FormUrlEncodedContent(form));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<string> TokenAsync(string id, params (string Name, string Value)[] fields)
    {
        var (status, body) = await PostAsync("/oauth2/token", id, [("grant_type", "client_credentials"), .. fields]);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>Token exchange by <paramref name="client"/>: with its own actor token when <paramref name="withActorToken"/>.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(string client, string subjectToken, bool withActorToken, params (string Name, string Value)[] fields)
    {
        List<(string, string)> form = [("grant_type", TokenExchange), ("subject_token", subjectToken), ("subject_token_type", AccessTokenType)];
        if (withActorToken)
        {
            form.Add(("actor_token", await TokenAsync(client)));
            form.Add(("actor_token_type", AccessTokenType));
        }

        return await PostAsync("/oauth2/token", client, [.. form, .. fields]);
    }

    public async Task<string> DelegateAsync(string actor, string subjectToken, params (string Name, string Value)[] fields)
    {
        var (status, body) = await ExchangeAsync(actor, subjectToken, true, fields);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(AccessTokenType, body.GetProperty("issued_token_type").GetString());
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>Introspects with the admin token.</summary>
    public async Task<JsonElement> IntrospectAsync(string token)
    {
        using var response = await server.Admin.PostAsync("/oauth2/introspect", new FormUrlEncodedContent([new("token", token)]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestServer.ReadJsonAsync(response);
    }

    public async Task<bool> IsActiveAsync(string token) => (await IntrospectAsync(token)).GetProperty("active").GetBoolean();

    public static JsonElement Claims(string token) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1])).RootElement.Clone();

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }
}
