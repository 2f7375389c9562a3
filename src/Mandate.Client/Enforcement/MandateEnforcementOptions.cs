namespace Mandate.Client.Enforcement;

/// <summary>Where decisions are made.</summary>
public enum DecisionMode
{
    /// <summary>Ask Mandate over HTTP (AuthZEN) for every request; Mandate records each decision.</summary>
    Remote,

    /// <summary>Decide in this process against a synchronized snapshot; decisions are reported back to Mandate in batches.</summary>
    InProcess,
}

/// <summary>How an enforcement point (the middleware or <c>mandate proxy</c>) protects a service.</summary>
public sealed class MandateEnforcementOptions
{
    /// <summary>The Mandate server's address (its RFC 8414 metadata, JWKS, decisions and snapshot live below it).</summary>
    public Uri? Server { get; set; }

    /// <summary>The audience callers' tokens must carry: this service's resource indicator (RFC 8707).</summary>
    public string? Audience { get; set; }

    /// <summary>Remote (default) or in-process decisions.</summary>
    public DecisionMode Mode { get; set; } = DecisionMode.Remote;

    /// <summary>
    /// The bearer credential this enforcement point uses towards Mandate: to ask for decisions (remote), or to follow the
    /// snapshot and report decisions (in process, which today needs an admin token).
    /// </summary>
    public string? Credential { get; set; }

    /// <summary>The default <see cref="MaxSnapshotAge"/>.</summary>
    public static readonly TimeSpan DefaultMaxSnapshotAge = TimeSpan.FromMinutes(5);

    /// <summary>The shortest <see cref="MaxSnapshotAge"/> allowed: a long poll of the snapshot lasts up to 45 seconds.</summary>
    public static readonly TimeSpan MinMaxSnapshotAge = TimeSpan.FromMinutes(1);

    /// <summary>
    /// In process: how long the snapshot may go unconfirmed by the server (refused credential, unreachable server, an
    /// answer this version cannot read) before decisions are refused with 503 rather than made on data that may miss a
    /// suspension. At least a minute; 5 minutes by default.
    /// </summary>
    public TimeSpan MaxSnapshotAge { get; set; } = DefaultMaxSnapshotAge;

    /// <summary>The longest <see cref="DecisionTimeout"/> allowed.</summary>
    public static readonly TimeSpan MaxDecisionTimeout = TimeSpan.FromMinutes(1);

    /// <summary>How long to wait for a remote decision before refusing the request: more than zero, at most a minute.</summary>
    public TimeSpan DecisionTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Names this enforcement point in the events it reports (in-process mode) and as the caller of remote decisions.</summary>
    public string Name { get; set; } = "mandate-pep";

    /// <summary>Route rules, first match wins; a request that matches none is refused.</summary>
    public IList<RouteRule> Routes { get; } = [];

    /// <summary>Request headers copied into the Cedar context, header name to context key (e.g. <c>X-Purpose</c> to <c>purpose</c>).</summary>
    public IDictionary<string, string> ContextHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The origin clients use to reach this service when something in front of it (a TLS terminator, a load balancer)
    /// changes the scheme, host or port this process sees, e.g. <c>https://api.example.com</c>. A DPoP proof names the
    /// URL the client called (<c>htu</c>), so proofs may name the request's path under this origin as well as the URL
    /// the request arrived at. Scheme, host and port only.
    /// </summary>
    public Uri? PublicOrigin { get; set; }

    /// <summary>Paths (exact) served without authentication or decision, e.g. a health check.</summary>
    public IList<string> AnonymousPaths { get; } = [];

    /// <summary>
    /// In-process mode: back the local snapshot with transparent huge pages once it is in use (Linux 6.1 and later), so
    /// decisions over large policy sets miss the TLB less. Off by default, because it collapses the memory of the whole
    /// process, not just the snapshot's: turn it on where the process exists to enforce (<c>mandate proxy</c> does).
    /// </summary>
    public bool HugePages { get; set; }
}

/// <summary>
/// Maps requests to a decision: <c>GET /invoices/{id}</c> to action <c>read</c> on resource <c>Invoice::"{id}"</c>.
/// Route values (<c>{name}</c>) may appear in the action and in the resource id.
/// </summary>
public sealed class RouteRule
{
    /// <summary>
    /// HTTP method, or <c>*</c> for any; required, so that a rule written without one does not map every method to the
    /// same action.
    /// </summary>
    public string Method { get; set; } = string.Empty;

    /// <summary>Route template, e.g. <c>/invoices/{id}</c> (ASP.NET Core template syntax, including <c>{**rest}</c>).</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The Cedar action name, e.g. <c>read</c> (<c>Action::"read"</c>).</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>The Cedar resource, e.g. <c>Invoice::"{id}"</c>.</summary>
    public string Resource { get; set; } = string.Empty;
}
