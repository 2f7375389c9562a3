using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Mandate.Authorization;
using Mandate.Cedar.Ast;
using Mandate.Core.Identities;
using Mandate.Server.Access;
using Mandate.Server.Hosting;

namespace Mandate.Benchmarks.Decisions;

/// <summary>
/// Where the time of one <c>POST /access/v1/evaluation</c> goes, piece by piece, on the workload of
/// <c>bench/decisions.sh</c> (51 policies, one of them deciding): reading the body (as the server does, and with the
/// serializer it used before for comparison), mapping it to Cedar, deciding,
/// describing the decision as an event (as an object, and encoded straight into a batch as the server records it),
/// writing the answer. The reference is the cheapest honest step of any request
/// that carries a bearer token: hashing it once (SHA-256), as the admin-token check does.
/// </summary>
[MemoryDiagnoser]
public class DecisionPathBenchmarks
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"subject":{"type":"Agent","id":"bench-bot"},"action":{"name":"read"},"resource":{"type":"Invoice","id":"inv-7"},"context":{"purpose":"monthly-close"}}""");

    // The server's options: ApiJson's conventions with the source-generated AuthZEN contracts first.
    private static readonly JsonSerializerOptions ServerJson = CreateServerJson();

    private AuthorizationSnapshot _snapshot = null!;
    private EvaluationRequest _request = null!;
    private DecisionRequest _decision = null!;
    private DecisionResult _result = null!;
    private DecisionOrigin _origin;
    private byte[] _token = null!;
    private readonly Core.Events.EncodedEvents _recorded = new(1);

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder("""
            permit (principal == Agent::"bench-bot", action == Action::"read", resource is Invoice)
            when { context has purpose && context.purpose == "monthly-close" };
            """);
        for (var i = 0; i < 50; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"permit (principal == Agent::\"other-{i}\", action == Action::\"read\", resource is Invoice);\n");
        }

        var identity = new Identity { Id = "bench-bot", Kind = IdentityKind.Agent, DisplayName = "Bench bot" };
        _snapshot = new AuthorizationSnapshot(1, PolicySet.Parse(text.ToString()),
            EntityGraph.Build([identity], [], [], []), new Dictionary<string, Identity> { ["bench-bot"] = identity });
        _request = Read();
        _decision = Map();
        _result = Decide();
        _origin = new DecisionOrigin("bench-bot", "jti-1", "127.0.0.1", "wrk", "req-1");
        _token = RandomNumberGenerator.GetBytes(700);
    }

    [Benchmark(Baseline = true)]
    public byte[] HashBearerToken() => SHA256.HashData(_token);

    [Benchmark]
    public EvaluationRequest DeserializeWithReflection() => JsonSerializer.Deserialize<EvaluationRequest>(Body, ApiJson.Options)!;

    [Benchmark]
    public EvaluationRequest Deserialize() => JsonSerializer.Deserialize<EvaluationRequest>(Body, ServerJson)!;

    [Benchmark]
    public EvaluationRequest Read()
    {
        var reader = new Utf8JsonReader(Body);
        return AuthZenReader.ReadEvaluation(ref reader);
    }

    [Benchmark]
    public DecisionRequest Map() => EvaluationEndpoints.ToDecisionRequest(_request.Subject, _request.Action, _request.Resource, EvaluationEndpoints.Context(_request.Context, DateTimeOffset.UtcNow));

    [Benchmark]
    public DecisionResult Decide() => DecisionEngine.Decide(_decision, _snapshot, DateTimeOffset.UtcNow, out _);

    [Benchmark]
    public Core.Events.MandateEvent DescribeAsEvent() => DecisionEvents.Create(_decision, _origin, _result, _snapshot, DateTimeOffset.UtcNow);

    // What the server does with each decision: encode its event straight into a batch (reused, as the server's are).
    [Benchmark]
    public int RecordEvent()
    {
        _recorded.Clear();
        _recorded.Add(DecisionEvents.Fields(_decision, _origin, _result, _snapshot, DateTimeOffset.UtcNow));
        return _recorded.Count;
    }

    [Benchmark]
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(new EvaluationResponse(_result.Allowed), ServerJson);

    private static JsonSerializerOptions CreateServerJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(options);
        options.TypeInfoResolverChain.Insert(0, AccessJsonContext.Default);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
