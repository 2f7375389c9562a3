using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Mandate.Cli.Http;
using Mandate.Cli.Output;
using Mandate.Core.Events;
using Mandate.Server.Admin.Contracts;
using Mandate.Server.Hosting;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate events list|follow|export</c>.</summary>
internal static class EventCommands
{
    public static Command Create()
    {
        var events = new Command("events", "Read the event stream");
        events.Subcommands.Add(ListCommand());
        events.Subcommands.Add(FollowCommand());
        events.Subcommands.Add(ExportCommand());
        return events;
    }

    /// <summary>The filters <c>list</c> and <c>follow</c> share, mapped to the API's query string.</summary>
    private sealed class Filters
    {
        private readonly Option<string?> _identity = new("--identity") { Description = "Only events this identity did" };
        private readonly Option<bool> _delegated = new("--include-delegated") { Description = "With --identity, also events done on its behalf down a delegation chain" };
        private readonly Option<bool> _descendants = new("--include-descendants") { Description = "With --identity, also events of its sub-agents (identities whose parent chain leads to it)" };
        private readonly Option<string?> _type = new("--type") { Description = "Only this event type or type prefix, for example token or decision" };
        private readonly Option<string?> _outcome = new("--outcome") { Description = "success or failure" };
        private readonly Option<string?> _action = new("--action") { Description = "Only this action" };
        private readonly Option<string?> _resource = new("--resource") { Description = "Only this target resource, as Type::\"id\" or a bare id" };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _identity, _delegated, _descendants, _type, _outcome, _action, _resource })
            {
                command.Options.Add(option);
            }
        }

        public QueryString Query(ParseResult parse)
        {
            var (resourceType, resourceId) = SplitResource(parse.GetValue(_resource));
            return new QueryString()
                .Add("identity", parse.GetValue(_identity))
                .Add("include_delegated", parse.GetValue(_delegated) ? "true" : null)
                .Add("include_descendants", parse.GetValue(_descendants) ? "true" : null)
                .Add("type", parse.GetValue(_type))
                .Add("outcome", parse.GetValue(_outcome))
                .Add("action", parse.GetValue(_action))
                .Add("resource_type", resourceType)
                .Add("resource_id", resourceId);
        }

        private static (string? Type, string? Id) SplitResource(string? text)
        {
            var separator = text?.IndexOf("::\"", StringComparison.Ordinal) ?? -1;
            return separator > 0 && text!.EndsWith('"') ? (text[..separator], text[(separator + 3)..^1]) : (null, text);
        }
    }

    private static Command ListCommand()
    {
        var filters = new Filters();
        var since = new Option<TimeSpan?>("--since") { Description = "Only the last span, for example 15m, 2h or 1d", CustomParser = Spans.Parse };
        var paging = new PageOptions(100, "Most events to show", "Continue after this cursor");
        var command = new Command("list", "List recorded events, oldest first") { since };
        paging.AddTo(command);
        filters.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var from = parse.GetValue(since) is { } span ? DateTimeOffset.UtcNow - span : (DateTimeOffset?)null;
            var query = paging.Query(parse, filters.Query(parse)
                .Add("from", from?.ToString("O", CultureInfo.InvariantCulture)));
            var page = await cli.Client.GetAsync<PageResponse<MandateEvent>>("v1/events" + query, ct);
            cli.Print(page, (p, o) =>
            {
                var table = Header();
                foreach (var e in p.Items)
                {
                    Row(table, e);
                }

                table.Write(o);
                PageOptions.WriteMore(o, p.NextCursor);
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command FollowCommand()
    {
        var filters = new Filters();
        var command = new Command("follow", "Print events as they happen (Ctrl+C to stop)");
        filters.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var query = filters.Query(parse);
            await foreach (var data in cli.Client.StreamAsync("v1/events/stream" + query, ct))
            {
                if (cli.AsJson)
                {
                    cli.Out.WriteLine(data);
                    continue;
                }

                var evt = JsonSerializer.Deserialize<MandateEvent>(data, ApiJson.Options)!;
                cli.Out.WriteLine(Line(evt));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ExportCommand()
    {
        var filters = new Filters();
        var since = new Option<TimeSpan?>("--since") { Description = "Only the last span, for example 15m, 2h or 1d", CustomParser = Spans.Parse };
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of standard output" };
        var command = new Command("export", "Export events as OCSF JSON lines (one OCSF event per line) for a SIEM") { since, output };
        filters.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var from = parse.GetValue(since) is { } span ? DateTimeOffset.UtcNow - span : (DateTimeOffset?)null;
            var query = filters.Query(parse).Add("from", from?.ToString("O", CultureInfo.InvariantCulture));
            if (parse.GetValue(output) is { } file)
            {
                // A failed export leaves the previous file as it was.
                await AtomicFile.ReplaceAsync(file.FullName, (stream, token) => cli.Client.CopyToAsync("v1/events/export" + query, stream, token), ct);
                return ExitCodes.Ok;
            }

            await foreach (var line in cli.Client.ReadLinesAsync("v1/events/export" + query, ct))
            {
                await cli.Out.WriteLineAsync(line);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Table Header() => new("SEQ", "TIME", "TYPE", "OUTCOME", "ACTOR", "RESOURCE", "DETAIL");

    private static void Row(Table table, MandateEvent e) =>
        table.Add(e.Sequence.ToString(CultureInfo.InvariantCulture), IdentityWords.When(e.Time), e.Type, e.Outcome.ToString().ToLowerInvariant(),
            Actor(e), Resource(e), e.Message);

    private static string Line(MandateEvent e) =>
        $"{IdentityWords.When(e.Time)}  {e.Type,-22} {e.Outcome.ToString().ToLowerInvariant(),-8} {Actor(e)} -> {Resource(e) ?? "-"}  {e.Message}";

    private static string? Actor(MandateEvent e) =>
        e.Chain.Count == 0 ? e.ActorId : $"{e.ActorId} (for {string.Join(" <- ", e.Chain)})";

    private static string? Resource(MandateEvent e) => e.ResourceId is null ? null : $"{e.ResourceType}::{e.ResourceId}";
}
