using System.Globalization;
using System.Text.Json;

namespace Mandate.Benchmarks.Events;

/// <summary><c>events-body --out FILE --count N</c>: an NDJSON ingest body of N workload events (no ids: the server assigns them).</summary>
internal static class BodyRun
{
    public static void Run(string[] args)
    {
        var output = args[Array.IndexOf(args, "--out") + 1];
        var count = int.Parse(args[Array.IndexOf(args, "--count") + 1], CultureInfo.InvariantCulture);
        var events = new EventWorkload(10_000, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1)).Take(count);
        using var file = File.CreateText(output);
        foreach (var e in events)
        {
            file.Write(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["type"] = e.Type,
                ["outcome"] = e.Outcome == Core.Events.EventOutcome.Success ? "success" : "failure",
                ["category"] = Core.Events.EventCodec.CategoryName(e.Category) == "authorize_session" ? "authorization" : Core.Events.EventCodec.CategoryName(e.Category),
                ["actor_id"] = e.ActorId,
                ["actor_kind"] = e.ActorKind,
                ["chain"] = e.Chain,
                ["action"] = e.Action,
                ["resource_type"] = e.ResourceType,
                ["resource_id"] = e.ResourceId,
                ["policies"] = e.Policies,
                ["source_ip"] = e.SourceIp,
                ["user_agent"] = e.UserAgent,
                ["request_id"] = e.RequestId,
            }));
            file.Write('\n');
        }
    }
}
