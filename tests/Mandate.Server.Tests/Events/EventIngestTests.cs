using System.Net;
using System.Text;
using System.Text.Json;

namespace Mandate.Server.Tests.Events;

public sealed class EventIngestTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o with { MaxIngestBodyBytes = 512 * 1024 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string body, string mediaType, HttpClient? client = null)
    {
        using var content = new StringContent(body, Encoding.UTF8, mediaType);
        using var response = await (client ?? _server.Admin).PostAsync("/v1/events", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<JsonElement[]> EventsOfAsync(string identity) =>
        [.. (await _server.GetJsonAsync($"/v1/events?identity={identity}")).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task Ndjson_IsStoredDurablyAndQueryable_WithDefaultsFilledIn()
    {
        const string Body = """
            {"type":"login.succeeded","outcome":"success","actor_id":"ci-runner","category":"authentication","time":"2026-11-20T10:00:00Z","source":"github.actions"}

            {"type":"secret.read","outcome":"failure","actor_id":"ci-runner","resource_type":"Secret","resource_id":"db-password","sequence":99}
            {"type":"secret.read","outcome":"success","actor_id":"ci-runner","chain":["alice"],"policies":["p1"]}
            """;

        var (status, body) = await PostAsync(Body, "application/x-ndjson");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("accepted").GetInt32());
        Assert.Equal(body.GetProperty("first_sequence").GetInt64() + 2, body.GetProperty("last_sequence").GetInt64());
        var stored = await EventsOfAsync("ci-runner");
        Assert.Equal(["login.succeeded", "secret.read", "secret.read"], stored.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("github.actions", stored[0].GetProperty("source").GetString());
        Assert.Equal("ingest", stored[1].GetProperty("source").GetString());
        Assert.Equal("api_activity", stored[1].GetProperty("category").GetString());
        Assert.NotEqual(99, stored[1].GetProperty("sequence").GetInt64());
        Assert.Equal(["alice"], stored[2].GetProperty("chain").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task JsonArray_IsAccepted()
    {
        var (status, body) = await PostAsync("""[{"type":"job.started","outcome":"success","actor_id":"batch-7"},{"type":"job.ended","outcome":"success","actor_id":"batch-7"}]""", "application/json");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(2, (await EventsOfAsync("batch-7")).Length);
    }

    [Fact]
    public async Task MalformedEvents_AreRefusedWithAReasonEach_AndNothingIsStored()
    {
        const string Body = """
            {"type":"ok.event","outcome":"success","actor_id":"mixed"}
            {"outcome":"success","actor_id":"mixed"}
            {"type":"x.y","outcome":"maybe","actor_id":"mixed"}
            {"type":"x.y","outcome":"success","actor_id":"mixed","colour":"red"}
            {"type":"x.y","outcome":"success","actor_id":"mixed","time":"yesterday"}
            {"type":"x.y","outcome":"success","actor_id":"mixed","chain":"alice"}
            {"type":"Bad Type","outcome":"success","actor_id":"mixed"}
            {"type":"x.y","outcome":"success","actor_id":42}
            [1,2]
            {"type":"x.y","outcome":"success","actor_id":"mixed"
            """;

        var (status, body) = await PostAsync(Body, "application/x-ndjson");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("index").GetInt32(), e => e.GetProperty("reason").GetString()!);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], errors.Keys.Order());
        Assert.Contains("`type` is required", errors[1], StringComparison.Ordinal);
        Assert.Contains("`outcome` `maybe`", errors[2], StringComparison.Ordinal);
        Assert.Contains("unknown field `colour`", errors[3], StringComparison.Ordinal);
        Assert.Contains("`time` must be", errors[4], StringComparison.Ordinal);
        Assert.Contains("`chain` must be a list", errors[5], StringComparison.Ordinal);
        Assert.Contains("dotted lower-case", errors[6], StringComparison.Ordinal);
        Assert.Contains("`actor_id` must be a string", errors[7], StringComparison.Ordinal);
        Assert.Contains("must be a JSON object", errors[8], StringComparison.Ordinal);
        Assert.Empty(await EventsOfAsync("mixed"));
    }

    [Theory]
    [InlineData("2999-01-01T00:00:00Z", "ahead of the server's clock")]
    [InlineData("01/02/2026", "RFC 3339")]
    [InlineData("2026-11-20T10:00:00", "RFC 3339")]
    [InlineData("2026-11-20", "RFC 3339")]
    [InlineData("2026-11-20T10:00Z", "RFC 3339")]
    public async Task ATimeInTheFutureOrNotInRfc3339_IsRefused(string time, string reason)
    {
        var (status, body) = await PostAsync($$"""[{"type":"x.y","outcome":"success","actor_id":"clocked","time":"{{time}}"}]""", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, body.GetProperty("errors")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await EventsOfAsync("clocked"));
    }

    [Fact]
    public async Task Rfc3339Times_WithAnOffsetOrNanoseconds_AreAccepted()
    {
        var soon = DateTimeOffset.UtcNow.AddMinutes(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var (status, _) = await PostAsync($$"""
            {"type":"x.y","outcome":"success","actor_id":"rfc3339","time":"2026-11-20T10:00:00+02:00"}
            {"type":"x.y","outcome":"success","actor_id":"rfc3339","time":"2026-11-20t10:00:00.123456789z"}
            {"type":"x.y","outcome":"success","actor_id":"rfc3339","time":"{{soon}}"}
            """, "application/x-ndjson");

        Assert.Equal(HttpStatusCode.OK, status);
        var stored = await EventsOfAsync("rfc3339");
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero), stored[0].GetProperty("time").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_567), stored[1].GetProperty("time").GetDateTimeOffset());
    }

    [Fact]
    public async Task DuplicateIdsInOneSubmission_AreRefused()
    {
        var (status, body) = await PostAsync("""[{"id":"a1","type":"x.y","outcome":"success"},{"id":"a1","type":"x.y","outcome":"success"}]""", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("appears twice", body.GetProperty("errors")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizeSubmission_Is413_AndTooManyEventsIs400()
    {
        var big = string.Join('\n', Enumerable.Repeat("""{"type":"x.y","outcome":"success","message":"0123456789012345678901234567890123456789"}""", 8000));
        var many = string.Join('\n', Enumerable.Repeat("""{"type":"x.y","outcome":"success"}""", 10_001));

        var (oversize, _) = await PostAsync(big, "application/x-ndjson");
        var (tooMany, body) = await PostAsync(many, "application/x-ndjson");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversize);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany);
        Assert.Contains("at most 10000 events", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongMediaTypeOrNoCredentials_AreRefused()
    {
        using var anonymous = _server.CreateClient();

        var (textPlain, _) = await PostAsync("""{"type":"x.y","outcome":"success"}""", "text/plain");
        var (unauthenticated, _) = await PostAsync("""[{"type":"x.y","outcome":"success"}]""", "application/json", anonymous);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, textPlain);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated);
    }

    [Fact]
    public async Task Metrics_CountIngestRefusalsBackpressureAndTheStore()
    {
        await PostAsync("""[{"type":"x.y","outcome":"success"},{"type":"x.z","outcome":"success"}]""", "application/json");
        await PostAsync("""[{"type":"x.y","outcome":"maybe"}]""", "application/json");
        using var anonymous = _server.CreateClient();

        var text = await anonymous.GetStringAsync("/metrics");

        Assert.Matches(@"mandate_events_ingested_total\{[^}]*route=""ingest""[^}]*\} 2\b", text);
        Assert.Matches(@"mandate_events_ingest_refused_total\{[^}]*route=""ingest""[^}]*\} 1\b", text);
        Assert.Matches(@"mandate_events_capacity(\{[^}]*\})? 100000\b", text);
        Assert.Matches(@"mandate_events_ingest_waiting(\{[^}]*\})? 0\b", text);
        Assert.Matches(@"mandate_events_written_total(\{[^}]*\})? [1-9]", text);
        Assert.Matches(@"mandate_events_dropped_total(\{[^}]*\})? 0\b", text);
    }
}
