using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Benchmarks.Cedar;

/// <summary>
/// A deterministic agent-fleet workload: an organisation tree (orgs, divisions, teams) with humans and agents,
/// sub-agents spawned by agents, and a document tree (projects, folders, nested folders, documents), so
/// hierarchies run up to five deep; policies granting agents, teams and divisions access for a purpose, in a
/// time window, from an IP range or only when started by a given process; and requests drawn mostly from what
/// the policies grant.
/// </summary>
internal sealed class AgentFleet
{
    private const int Orgs = 5;
    private const int Divisions = 50;
    private const int Teams = 1_000;
    private const int Agents = 20_000;
    private const int SubAgents = 4_000;
    private const int Humans = 1_000;
    private const int Projects = 200;
    private const int Folders = 4_000;
    private const int Documents = 100_000;
    private const int Processes = 100;

    private static readonly string[] Purposes = ["monthly-close", "audit", "support", "etl", "forecast", "incident"];
    private static readonly string[] ActionNames = ["read", "list", "write", "delete"];

    private readonly Random _random;
    private readonly List<Entity> _entities = [];
    private readonly List<(string Principal, string Resource, string Action, string Purpose, string Network, string Process)> _grants = [];

    public AgentFleet(int policyCount, int seed = 20261123)
    {
        _random = new Random(seed);
        BuildEntities();
        Entities = new EntityStore(_entities);
        PolicyText = BuildPolicies(policyCount);
        Policies = CedarParser.ParsePolicySet(PolicyText);
        Requests = [.. Enumerable.Range(0, 4_096).Select(_ => BuildRequest())];
        Prepared = [.. Requests.Select(r => new PreparedRequest(r, Entities))];
    }

    public EntityStore Entities { get; }

    public string PolicyText { get; }

    public PolicySet Policies { get; }

    public Request[] Requests { get; }

    /// <summary>The requests resolved against the store once, as a PEP holding a snapshot decides them.</summary>
    public PreparedRequest[] Prepared { get; }

    public static EntityUid Agent(int i) => EntityUid.Of("Agent", $"agent-{i}");

    /// <summary>The request as Cedar JSON, with the slice of entities it touches (what a caller would send a stateless engine).</summary>
    public JsonObject RequestJson(Request request)
    {
        var context = new JsonObject
        {
            ["purpose"] = ((StringValue)request.Context.Fields["purpose"]).Value,
            ["now"] = new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "datetime", ["arg"] = Iso((DatetimeValue)request.Context.Fields["now"]) } },
            ["ip"] = new JsonObject { ["__extn"] = new JsonObject { ["fn"] = "ip", ["arg"] = request.Context.Fields["ip"].ToString()[4..^2] } },
            ["initiator"] = new JsonObject { ["__entity"] = Uid((EntityUid)request.Context.Fields["initiator"]) },
        };
        var slice = new JsonArray();
        foreach (var uid in new[] { request.Principal, request.Resource, (EntityUid)request.Context.Fields["initiator"] }
            .SelectMany(u => Entities.AncestorsOf(u).Prepend(u)).Distinct())
        {
            if (Entities.TryGet(uid, out var entity))
            {
                slice.Add(EntityJson(entity));
            }
        }

        return new JsonObject
        {
            ["principal"] = Uid(request.Principal),
            ["action"] = Uid(request.Action),
            ["resource"] = Uid(request.Resource),
            ["context"] = context,
            ["entities"] = slice,
        };
    }

    private void BuildEntities()
    {
        for (var i = 0; i < Orgs; i++)
        {
            Add("Org", $"org-{i}", []);
        }

        for (var i = 0; i < Divisions; i++)
        {
            Add("Division", $"division-{i}", [EntityUid.Of("Org", $"org-{i % Orgs}")]);
        }

        for (var i = 0; i < Teams; i++)
        {
            Add("Team", $"team-{i}", [EntityUid.Of("Division", $"division-{i % Divisions}")]);
        }

        for (var i = 0; i < Humans; i++)
        {
            Add("Human", $"human-{i}", [EntityUid.Of("Team", $"team-{i % Teams}")], ("clearance", new LongValue(_random.Next(1, 6))));
        }

        for (var i = 0; i < Agents; i++)
        {
            // A sub-agent sits under the agent that spawned it: sub-agent -> agent -> team -> division -> org.
            var parent = i >= Agents - SubAgents ? Agent(_random.Next(Agents - SubAgents)) : EntityUid.Of("Team", $"team-{_random.Next(Teams)}");
            Add("Agent", $"agent-{i}", [parent], ("clearance", new LongValue(_random.Next(1, 6))), ("owner", EntityUid.Of("Human", $"human-{_random.Next(Humans)}")));
        }

        for (var i = 0; i < Projects; i++)
        {
            Add("Project", $"project-{i}", [EntityUid.Of("Org", $"org-{i % Orgs}")]);
        }

        for (var i = 0; i < Folders; i++)
        {
            // Every fourth folder nests in another: document -> folder -> folder -> project -> org.
            var parent = i % 4 == 3 ? EntityUid.Of("Folder", $"folder-{i - 1}") : EntityUid.Of("Project", $"project-{i % Projects}");
            Add("Folder", $"folder-{i}", [parent]);
        }

        for (var i = 0; i < Documents; i++)
        {
            Add("Document", $"doc-{i}", [EntityUid.Of("Folder", $"folder-{i % Folders}")], ("level", new LongValue(_random.Next(1, 6))),
                ("classification", new StringValue(i % 10 == 0 ? "restricted" : "internal")));
        }

        for (var i = 0; i < Processes; i++)
        {
            Add("Process", $"run-{i}", [EntityUid.Of("Process", $"pipeline-{i % 10}")]);
        }

        for (var i = 0; i < 10; i++)
        {
            Add("Process", $"pipeline-{i}", []);
        }
    }

    private void Add(string type, string id, EntityUid[] parents, params (string Name, CedarValue Value)[] attributes) =>
        _entities.Add(new Entity(EntityUid.Of(type, id), attributes.Select(a => KeyValuePair.Create(a.Name, a.Value)), parents));

    private string BuildPolicies(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var purpose = Purposes[_random.Next(Purposes.Length)];
            var network = $"10.{_random.Next(256)}.0.0/16";
            var process = $"pipeline-{_random.Next(10)}";
            var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(_random.Next(20));
            var window = $"context.now >= datetime(\"{start:yyyy-MM-dd}\") && context.now < datetime(\"{start.AddDays(10):yyyy-MM-dd}\")";
            switch (_random.Next(20))
            {
                case < 12:
                {
                    // An agent may read and list one folder's documents for one purpose, in a window, from its network.
                    var agent = $"agent-{_random.Next(Agents)}";
                    var folder = $"folder-{_random.Next(Folders)}";
                    _grants.Add(($"Agent::\"{agent}\"", folder, "read", purpose, network, process));
                    text.Append(CultureInfo.InvariantCulture, $"permit (principal == Agent::\"{agent}\", action in [Action::\"read\", Action::\"list\"], resource in Folder::\"{folder}\")\n")
                        .Append(CultureInfo.InvariantCulture, $"when {{ context.purpose == \"{purpose}\" && {window} && context.ip.isInRange(ip(\"{network}\")) }};\n");
                    break;
                }

                case < 16:
                {
                    // A team may read a project while its clearance covers the document's level.
                    var team = $"team-{_random.Next(Teams)}";
                    var project = $"project-{_random.Next(Projects)}";
                    text.Append(CultureInfo.InvariantCulture, $"permit (principal in Team::\"{team}\", action == Action::\"read\", resource in Project::\"{project}\")\n")
                        .Append(CultureInfo.InvariantCulture, $"when {{ principal.clearance >= resource.level && context.purpose == \"{purpose}\" }};\n");
                    break;
                }

                case < 18:
                {
                    // A division may write a folder only when the call was started by a given pipeline.
                    var division = $"division-{_random.Next(Divisions)}";
                    var folder = $"folder-{_random.Next(Folders)}";
                    text.Append(CultureInfo.InvariantCulture, $"permit (principal in Division::\"{division}\", action == Action::\"write\", resource in Folder::\"{folder}\")\n")
                        .Append(CultureInfo.InvariantCulture, $"when {{ context.initiator in Process::\"{process}\" && {window} }};\n");
                    break;
                }

                case 18:
                    text.Append(CultureInfo.InvariantCulture, $"forbid (principal, action == Action::\"delete\", resource in Project::\"project-{_random.Next(Projects)}\")\n")
                        .Append("unless { context.purpose == \"incident\" };\n");
                    break;
                default:
                    text.Append(CultureInfo.InvariantCulture, $"forbid (principal == Agent::\"agent-{_random.Next(Agents)}\", action, resource is Document)\n")
                        .Append("when { resource.classification == \"restricted\" && !context.ip.isInRange(ip(\"10.0.0.0/8\")) };\n");
                    break;
            }
        }

        return text.ToString();
    }

    private Request BuildRequest()
    {
        string purpose;
        EntityUid principal;
        EntityUid resource;
        var action = ActionNames[_random.Next(ActionNames.Length)];
        var network = $"10.{_random.Next(256)}.1.2";
        if (_grants.Count > 0 && _random.Next(2) == 0)
        {
            // Half the requests exercise a grant: its agent, a document in its folder, often its purpose and network.
            var grant = _grants[_random.Next(_grants.Count)];
            principal = EntityUid.Of("Agent", grant.Principal[8..^1]);
            var folder = int.Parse(grant.Resource["folder-".Length..], CultureInfo.InvariantCulture);
            resource = EntityUid.Of("Document", $"doc-{folder + (Folders * _random.Next(Documents / Folders))}");
            purpose = _random.Next(4) == 0 ? Purposes[_random.Next(Purposes.Length)] : grant.Purpose;
            network = _random.Next(4) == 0 ? network : grant.Network.Replace("0.0/16", "7.9", StringComparison.Ordinal);
            action = _random.Next(4) == 0 ? action : grant.Action;
        }
        else
        {
            principal = Agent(_random.Next(Agents));
            resource = EntityUid.Of("Document", $"doc-{_random.Next(Documents)}");
            purpose = Purposes[_random.Next(Purposes.Length)];
        }

        var context = new RecordValue(
        [
            KeyValuePair.Create<string, CedarValue>("purpose", new StringValue(purpose)),
            KeyValuePair.Create<string, CedarValue>("now", Datetime(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(_random.Next(30 * 24)))),
            KeyValuePair.Create<string, CedarValue>("ip", IpAddrValue.TryParse(network, out var ip, out var error) ? ip : throw new InvalidOperationException(error)),
            KeyValuePair.Create<string, CedarValue>("initiator", EntityUid.Of("Process", $"run-{_random.Next(Processes)}")),
        ]);
        return new Request(principal, EntityUid.Of("Action", action), resource, context);
    }

    private static DatetimeValue Datetime(DateTime time) => new(new DateTimeOffset(time).ToUnixTimeMilliseconds());

    private static string Iso(DatetimeValue value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.EpochMilliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Uid(EntityUid uid) => new() { ["type"] = uid.EntityType.FullName, ["id"] = uid.Id };

    private static JsonObject EntityJson(Entity entity)
    {
        var attrs = new JsonObject();
        foreach (var (name, value) in entity.Attributes)
        {
            attrs[name] = value switch
            {
                LongValue l => l.Value,
                StringValue s => s.Value,
                EntityUid uid => new JsonObject { ["__entity"] = Uid(uid) },
                _ => throw new InvalidOperationException($"unexpected attribute value {value}"),
            };
        }

        return new JsonObject { ["uid"] = Uid(entity.Uid), ["attrs"] = attrs, ["parents"] = new JsonArray([.. entity.Parents.Select(p => (JsonNode)Uid(p))]) };
    }
}
