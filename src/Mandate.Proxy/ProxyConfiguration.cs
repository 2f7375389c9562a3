using System.Text.Json;
using System.Text.Json.Serialization;
using Mandate.Client.Enforcement;

namespace Mandate.Proxy;

/// <summary>
/// The configuration file of <c>mandate proxy</c> (JSON, snake_case): the upstream to protect, the Mandate server, the
/// audience callers' tokens must carry, the decision mode, and the same route rules and context headers as the middleware.
/// </summary>
public sealed record ProxyConfiguration
{
    /// <summary>The protected service's address; every allowed request is forwarded there.</summary>
    public Uri? Upstream { get; init; }

    /// <summary>Where the proxy listens (Kestrel URL syntax).</summary>
    public IReadOnlyList<string> Listen { get; init; } = ["http://127.0.0.1:8081"];

    /// <summary>
    /// Where the proxy serves its own endpoints, <c>GET /metrics</c> (Prometheus) and <c>GET /healthz</c>, apart from the
    /// forwarded traffic (so they never shadow the upstream's paths); none by default.
    /// </summary>
    public IReadOnlyList<string> AdminListen { get; init; } = [];

    /// <summary>The Mandate server's address.</summary>
    public Uri? Server { get; init; }

    /// <summary>The audience callers' tokens must carry.</summary>
    public string? Audience { get; init; }

    /// <summary><c>remote</c> (default) or <c>in_process</c>.</summary>
    public DecisionMode Mode { get; init; } = DecisionMode.Remote;

    /// <summary>How long to wait for a remote decision, in milliseconds (1 to 60,000).</summary>
    public int DecisionTimeoutMs { get; init; } = 2000;

    /// <summary>In process: how long the snapshot may go unconfirmed before decisions are refused, in milliseconds (at least 60,000).</summary>
    public int MaxSnapshotAgeMs { get; init; } = (int)MandateEnforcementOptions.DefaultMaxSnapshotAge.TotalMilliseconds;

    /// <summary>The name of this enforcement point in events.</summary>
    public string Name { get; init; } = "mandate-proxy";

    /// <summary>Route rules, first match wins.</summary>
    public IReadOnlyList<RouteRule> Routes { get; init; } = [];

    /// <summary>Request headers copied into the Cedar context: header name to context key.</summary>
    public IReadOnlyDictionary<string, string> ContextHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>The origin clients call when the proxy sits behind a TLS terminator or load balancer (see <see cref="MandateEnforcementOptions.PublicOrigin"/>).</summary>
    public Uri? PublicOrigin { get; init; }

    /// <summary>Exact paths forwarded without authentication or decision.</summary>
    public IReadOnlyList<string> AnonymousPaths { get; init; } = [];

    /// <summary>In-process mode: back the local snapshot with huge pages (see <see cref="MandateEnforcementOptions.HugePages"/>); on by default.</summary>
    public bool HugePages { get; init; } = true;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads a configuration file; a mistake is reported with its place in the file.</summary>
    /// <exception cref="ArgumentException">The file is not a valid configuration.</exception>
    public static ProxyConfiguration Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ProxyConfiguration>(json, Json) ?? throw new ArgumentException("the proxy configuration is empty");
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"the proxy configuration is invalid at `{ex.Path}` (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
    }

    /// <summary>Applies this configuration to the enforcement options, with <paramref name="credential"/> as the proxy's credential.</summary>
    public void ApplyTo(MandateEnforcementOptions options, string? credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Server = Server ?? throw new ArgumentException("the proxy configuration needs `server`, the Mandate server's address");
        if (Server is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            throw new ArgumentException($"`server` must be an absolute http or https address, such as http://127.0.0.1:8080, not `{Server}`");
        }

        options.Audience = Audience ?? throw new ArgumentException("the proxy configuration needs `audience`, the audience callers' tokens carry");
        options.Mode = Mode;
        options.Credential = credential;
        options.Name = Name;
        var longest = MandateEnforcementOptions.MaxDecisionTimeout.TotalMilliseconds;
        options.DecisionTimeout = DecisionTimeoutMs > 0 && DecisionTimeoutMs <= longest
            ? TimeSpan.FromMilliseconds(DecisionTimeoutMs)
            : throw new ArgumentException($"`decision_timeout_ms` must be 1 to {longest:0}, not {DecisionTimeoutMs}");
        options.MaxSnapshotAge = MaxSnapshotAgeMs >= MandateEnforcementOptions.MinMaxSnapshotAge.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(MaxSnapshotAgeMs)
            : throw new ArgumentException($"`max_snapshot_age_ms` must be at least {MandateEnforcementOptions.MinMaxSnapshotAge.TotalMilliseconds:0}, not {MaxSnapshotAgeMs}");
        options.PublicOrigin = PublicOrigin;
        options.HugePages = HugePages;
        foreach (var route in Routes)
        {
            options.Routes.Add(route);
        }

        foreach (var (header, key) in ContextHeaders)
        {
            options.ContextHeaders[header] = key;
        }

        foreach (var path in AnonymousPaths)
        {
            options.AnonymousPaths.Add(path);
        }
    }
}
