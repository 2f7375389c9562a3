using System.Text.Json;

namespace Mandate.Server.Tests.Events;

/// <summary>
/// The OCSF 1.3 facts an exported event must satisfy, written down from the schema (ocsf-schema: events/base_event,
/// events/iam/*, events/application/api_activity, events/findings/*, objects/metadata, product, user, actor, api,
/// finding_info): classification and occurrence attributes, each class's required attributes and "at least one of"
/// constraints, and the enumerations' ranges. Independent of Mandate's writer, so the writer cannot grade itself.
/// </summary>
internal static class OcsfSchemaFacts
{
    private static readonly Dictionary<int, (int Category, int[] Activities, string[] Required, string[][] AtLeastOne)> Classes = new()
    {
        [3002] = (3, [0, 1, 2, 3, 4, 5, 6, 99], ["user"], [["service", "dst_endpoint"]]),
        [3003] = (3, [0, 1, 2, 3, 99], ["user"], [["privileges", "group", "groups", "iam_roles"]]),
        [3001] = (3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 99], ["user"], []),
        [3004] = (3, [0, 1, 2, 3, 4, 99], ["entity"], []),
        [6003] = (6, [0, 1, 2, 3, 4, 99], ["actor", "api", "src_endpoint"], []),
        [2004] = (2, [0, 1, 2, 3, 99], ["finding_info"], []),
    };

    private static readonly int[] Severities = [0, 1, 2, 3, 4, 5, 6, 99];
    private static readonly int[] UserTypes = [0, 1, 2, 3, 4, 99];

    /// <summary>Every way <paramref name="e"/> breaks the schema facts; empty when it is valid.</summary>
    public static List<string> Problems(JsonElement e)
    {
        var problems = new List<string>();
        foreach (var name in new[] { "activity_id", "category_uid", "class_uid", "type_uid", "severity_id", "time", "metadata" })
        {
            if (!e.TryGetProperty(name, out _))
            {
                problems.Add($"missing required `{name}`");
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        var classUid = e.GetProperty("class_uid").GetInt32();
        var activity = e.GetProperty("activity_id").GetInt32();
        if (!Classes.TryGetValue(classUid, out var facts))
        {
            problems.Add($"class {classUid} is not one Mandate maps to");
            return problems;
        }

        Check(problems, e.GetProperty("category_uid").GetInt32() == facts.Category, $"class {classUid} belongs to category {facts.Category}");
        Check(problems, facts.Activities.Contains(activity), $"activity {activity} is not an activity of class {classUid}");
        Check(problems, e.GetProperty("type_uid").GetInt64() == (classUid * 100L) + activity, "type_uid must be class_uid * 100 + activity_id");
        Check(problems, activity != 99 || e.TryGetProperty("activity_name", out _), "activity 99 (Other) needs activity_name");
        Check(problems, Severities.Contains(e.GetProperty("severity_id").GetInt32()), "severity_id out of range");
        Check(problems, e.GetProperty("time").ValueKind == JsonValueKind.Number && e.GetProperty("time").GetInt64() > 946_684_800_000, "time must be epoch milliseconds");
        if (e.TryGetProperty("status_id", out var status))
        {
            Check(problems, (classUid == 2004 ? new[] { 0, 1, 2, 3, 4, 5, 6, 99 } : [0, 1, 2, 99]).Contains(status.GetInt32()), "status_id out of range");
        }

        var metadata = e.GetProperty("metadata");
        Check(problems, metadata.TryGetProperty("version", out var version) && version.GetString() is { Length: > 0 }, "metadata.version is required");
        Check(problems, metadata.TryGetProperty("product", out var product) && product.TryGetProperty("name", out _), "metadata.product with a name is required");
        foreach (var name in facts.Required)
        {
            Check(problems, e.TryGetProperty(name, out _), $"class {classUid} requires `{name}`");
        }

        foreach (var group in facts.AtLeastOne)
        {
            Check(problems, group.Any(g => e.TryGetProperty(g, out _)), $"class {classUid} needs at least one of {string.Join(", ", group)}");
        }

        CheckObjects(problems, e);
        return problems;
    }

    private static void CheckObjects(List<string> problems, JsonElement e)
    {
        foreach (var user in Users(e))
        {
            Check(problems, user.TryGetProperty("name", out _) || user.TryGetProperty("uid", out _) || user.TryGetProperty("account", out _), "a user needs name, uid or account");
            if (user.TryGetProperty("type_id", out var type))
            {
                Check(problems, UserTypes.Contains(type.GetInt32()), "user.type_id out of range");
                Check(problems, type.GetInt32() != 99 || user.TryGetProperty("type", out _), "user.type_id 99 needs user.type");
            }
        }

        foreach (var actor in Find(e, "actor"))
        {
            Check(problems, new[] { "process", "user", "invoked_by", "session", "app_name", "app_uid" }.Any(a => actor.TryGetProperty(a, out _)),
                "an actor needs process, user, session, app_name or app_uid");
        }

        if (e.TryGetProperty("api", out var api))
        {
            Check(problems, api.TryGetProperty("operation", out _), "api.operation is required");
        }

        if (e.TryGetProperty("finding_info", out var finding))
        {
            Check(problems, finding.TryGetProperty("uid", out _), "finding_info.uid is required");
        }

        if (e.TryGetProperty("entity", out var entity))
        {
            Check(problems, entity.TryGetProperty("name", out _) || entity.TryGetProperty("uid", out _), "entity needs name or uid");
        }

        foreach (var endpoint in Find(e, "src_endpoint"))
        {
            Check(problems, new[] { "ip", "name", "hostname", "uid", "domain", "instance_uid" }.Any(a => endpoint.TryGetProperty(a, out _)), "src_endpoint needs ip, name, hostname or uid");
        }
    }

    private static IEnumerable<JsonElement> Users(JsonElement e) =>
        Find(e, "user").Concat(Find(e, "actor").Where(a => a.TryGetProperty("user", out _)).Select(a => a.GetProperty("user")));

    private static IEnumerable<JsonElement> Find(JsonElement e, string name)
    {
        if (e.TryGetProperty(name, out var top))
        {
            yield return top;
        }

        if (e.TryGetProperty("evidences", out var evidences))
        {
            foreach (var evidence in evidences.EnumerateArray())
            {
                if (evidence.TryGetProperty(name, out var inner))
                {
                    yield return inner;
                }
            }
        }
    }

    private static void Check(List<string> problems, bool ok, string problem)
    {
        if (!ok)
        {
            problems.Add(problem);
        }
    }
}
