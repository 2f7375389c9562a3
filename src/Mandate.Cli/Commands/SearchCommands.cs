using System.CommandLine;
using System.Text.Json;
using Mandate.Cli.Output;
using Mandate.Server.Access;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>mandate search subjects|resources|actions</c>: who may do an action on a resource, what a subject may do it on, and
/// what a subject may do on a resource, through the AuthZEN search API (the decisions are not recorded).
/// </summary>
internal static class SearchCommands
{
    public static Command Create()
    {
        var search = new Command("search", "Find who may do what: the subjects, resources or actions a policy set allows");
        search.Subcommands.Add(EntitiesCommand("subjects", "The subjects of a type that may do an action on a resource", "subject"));
        search.Subcommands.Add(EntitiesCommand("resources", "The resources of a type on which a subject may do an action", "resource"));
        search.Subcommands.Add(ActionsCommand());
        return search;
    }

    // Subjects of a type that may do an action on a resource, or resources of a type a subject may do it on.
    private static Command EntitiesCommand(string name, string description, string side)
    {
        var options = new SearchOptions();
        var subjects = side == "subject";
        var command = new Command(name, description)
        {
            subjects ? options.EntityType : options.Principal, options.Action, subjects ? options.Resource : options.EntityType,
        };
        options.AddContextAndPaging(command);
        command.SetClientAction((parse, cli, ct) =>
        {
            var searched = new SearchEntity(parse.GetValue(options.EntityType)!);
            var action = new ActionRef(parse.GetValue(options.Action)!);
            var request = subjects
                ? new SearchRequest(searched, action, Found(parse.GetValue(options.Resource)!), parse.GetValue(options.Context))
                : new SearchRequest(Found(parse.GetValue(options.Principal)!), action, searched, parse.GetValue(options.Context));
            return RunAsync<FoundEntity>(parse, cli, options, side, request, Cedar, ct);
        });
        return command;
    }

    private static Command ActionsCommand()
    {
        var options = new SearchOptions();
        var command = new Command("actions", "The actions a subject may do on a resource") { options.Principal, options.Resource };
        options.AddContextAndPaging(command);
        command.SetClientAction((parse, cli, ct) => RunAsync<FoundAction>(parse, cli, options, "action",
            new SearchRequest(Found(parse.GetValue(options.Principal)!), null, Found(parse.GetValue(options.Resource)!), parse.GetValue(options.Context)),
            action => action.Name, ct));
        return command;
    }

    private static SearchEntity Found(EntityRef entity) => new(entity.Type, entity.Id);

    private static string Cedar(FoundEntity entity) => $"{entity.Type}::{Mandate.Cedar.Values.CedarText.Quote(entity.Id)}";

    // One page, or with --all every page in turn; each result on a line of its own (Cedar syntax for entities).
    private static async Task<int> RunAsync<T>(ParseResult parse, CliContext cli, SearchOptions options, string side, SearchRequest request,
        Func<T, string> line, CancellationToken ct)
    {
        var all = parse.GetValue(options.All);
        var results = new List<T>();
        var token = parse.GetValue(options.PageToken);
        do
        {
            var page = await cli.Client.PostAsync<SearchResponse<T>>($"access/v1/search/{side}",
                request with { Page = new SearchPage(token, parse.GetValue(options.Limit)) }, ct);
            results.AddRange(page.Results);
            token = page.Page.NextToken;
        }
        while (all && !string.IsNullOrEmpty(token));

        cli.Print(new SearchResponse<T>(results, new SearchResponsePage(token ?? string.Empty)), (found, o) =>
        {
            foreach (var result in found.Results)
            {
                o.WriteLine(line(result));
            }

            if (!string.IsNullOrEmpty(found.Page.NextToken))
            {
                o.WriteLine($"more: --page-token {found.Page.NextToken}");
            }
        });
        return ExitCodes.Ok;
    }

    /// <summary>The options the three searches share, each added by the commands that use it.</summary>
    private sealed class SearchOptions
    {
        private readonly EntityArguments _request = new();

        public Option<string> EntityType { get; } = new("--type") { Description = "The entity type to find, for example Agent or Document", Required = true };

        public Option<EntityRef> Principal => _request.Principal;

        public Option<string> Action => _request.Action;

        public Option<EntityRef> Resource => _request.Resource;

        public Option<JsonElement?> Context => _request.Context;

        public Option<int?> Limit { get; } = new("--limit") { Description = "Results per page (the server's default is 100, at most 1000)" };

        public Option<string?> PageToken { get; } = new("--page-token") { Description = "Continue from the page a previous search named" };

        public Option<bool> All { get; } = new("--all") { Description = "Follow every page and print all the results" };

        public void AddContextAndPaging(Command command)
        {
            command.Options.Add(Context);
            command.Options.Add(Limit);
            command.Options.Add(PageToken);
            command.Options.Add(All);
        }
    }
}
