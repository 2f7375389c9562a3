using System.Security.Cryptography;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Tests.Keys;

/// <summary>JWKS by URL: only https or loopback http, limits on size, redirects refused, cached by max-age, stale on failure.</summary>
public sealed class RemoteKeySetsTests : IDisposable
{
    private readonly TokenWorld _world = new();
    private readonly JwksServer _publisher = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _key.Dispose();
        _publisher.Dispose();
        _world.Dispose();
    }

    private string KeySet => $$"""{"keys":[{{EcPublicJwk.FromKey(_key).ToJson()}}]}""";

    [Theory]
    [InlineData("http://keys.example/jwks", "https")]
    [InlineData("ftp://keys.example/jwks", "https")]
    [InlineData("https://user:pw@keys.example/jwks", "user info")]
    [InlineData("https://keys.example/jwks#frag", "fragment")]
    [InlineData("/jwks", "https")]
    public void CheckUri_RefusesAnythingButHttpsOrLoopbackHttp(string uri, string reason)
    {
        Assert.Contains(reason, RemoteKeySets.CheckUri(uri), StringComparison.Ordinal);
        Assert.Null(RemoteKeySets.CheckUri("https://keys.example/jwks"));
        Assert.Null(RemoteKeySets.CheckUri("http://127.0.0.1:8080/jwks"));
    }

    [Fact]
    public async Task Keys_AreCachedForMaxAge_ThenRefetched()
    {
        _publisher.Answer = (KeySet, 200, [("Cache-Control", "max-age=120")]);

        Assert.Single((await _world.RemoteKeys.GetAsync(_publisher.Uri, null, CancellationToken.None)).Keys!);
        Assert.Single((await _world.RemoteKeys.GetAsync(_publisher.Uri, null, CancellationToken.None)).Keys!);
        Assert.Equal(1, _publisher.Fetches);

        _world.Clock.Now += TimeSpan.FromSeconds(121);
        await _world.RemoteKeys.GetAsync(_publisher.Uri, null, CancellationToken.None);
        Assert.Equal(2, _publisher.Fetches);
    }

    [Fact]
    public async Task ASharedFetch_IsNotCancelledByTheCallerThatStartedIt()
    {
        _publisher.Answer = (KeySet, 200, []);
        _publisher.Release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var leaving = new CancellationTokenSource();

        var first = _world.RemoteKeys.GetAsync(_publisher.Uri, null, leaving.Token).AsTask();
        await _publisher.Held.Task;
        var second = _world.RemoteKeys.GetAsync(_publisher.Uri, null, CancellationToken.None).AsTask();
        leaving.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        _publisher.Release.SetResult();
        var keys = await second;
        Assert.True(keys.Error is null, keys.Error);
        Assert.Single(keys.Keys!);
        Assert.Equal(1, _publisher.Fetches);
    }

    [Fact]
    public async Task FailuresAreReported_AndTheLastGoodKeysServeWhileThePublisherIsDown()
    {
        _publisher.Answer = ("""{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}""", 200, []);
        Assert.Contains("not usable", (await _world.RemoteKeys.GetAsync(_publisher.Uri, null, CancellationToken.None)).Error, StringComparison.Ordinal);

        _publisher.Answer = ("{}", 302, [("Location", "https://evil.example/jwks")]);
        Assert.Contains("HTTP 302", (await _world.RemoteKeys.GetAsync(_publisher.Uri, null, CancellationToken.None)).Error, StringComparison.Ordinal);

        _publisher.Answer = ("""{"keys":[""" + new string(' ', 70_000) + "]}", 200, []);
        Assert.Contains("larger than", (await _world.RemoteKeys.GetAsync(_publisher.Uri, null, CancellationToken.None)).Error, StringComparison.Ordinal);

        _publisher.Answer = (KeySet, 200, []);
        Assert.NotNull((await _world.RemoteKeys.GetAsync(_publisher.Uri, null, CancellationToken.None)).Keys);

        _publisher.Answer = ("oops", 500, []);
        _world.Clock.Now += TimeSpan.FromMinutes(10);
        Assert.NotNull((await _world.RemoteKeys.GetAsync(_publisher.Uri, null, CancellationToken.None)).Keys);
        _world.Clock.Now += TimeSpan.FromHours(25);
        Assert.Contains("HTTP 500", (await _world.RemoteKeys.GetAsync(_publisher.Uri, null, CancellationToken.None)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientAssertions_VerifyWithKeysPublishedAtTheClientsJwksUri()
    {
        _publisher.Answer = (KeySet, 200, []);
        _world.Client = _world.Client with { Keys = [], KeySetUris = [new ClientKeySetUri("crd_uri", _publisher.Uri)] };

        var result = await _world.Assertions.AuthenticateAsync(null, ClientAssertionValidator.JwtBearerType, _world.Assertion(key: _key, kid: EcPublicJwk.FromKey(_key).Kid), CancellationToken.None);
        Assert.Null(result.Error);
        Assert.Equal("crd_uri", result.CredentialId);

        var unknown = await _world.Assertions.AuthenticateAsync(null, ClientAssertionValidator.JwtBearerType, _world.Assertion(), CancellationToken.None);
        Assert.Contains("no registered key has kid", unknown.Error!.Description, StringComparison.Ordinal);
    }
}
