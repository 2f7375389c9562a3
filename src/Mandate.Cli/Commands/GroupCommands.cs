using System.CommandLine;
using System.Net;
using Mandate.Cli.Http;
using Mandate.Cli.Output;
using Mandate.Core.Groups;
using Mandate.Server.Admin.Contracts;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>mandate group create|list|show|add-member|remove-member|delete</c>: groups and roles, whose members policies see as
/// <c>principal in Group::"id"</c> or <c>principal in Role::"id"</c>.
/// </summary>
internal static class GroupCommands
{
    public static Command Create()
    {
        var group = new Command("group", "Manage groups and roles and their members (principal in Group::\"id\" in policies)");
        group.Subcommands.Add(CreateCommand());
        group.Subcommands.Add(ListCommand());
        group.Subcommands.Add(ShowCommand());
        group.Subcommands.Add(MemberCommand("add-member", "Add an identity (or with --group, a group) to a group or role", HttpMethod.Put));
        group.Subcommands.Add(MemberCommand("remove-member", "Take a member out of a group or role", HttpMethod.Delete));
        group.Subcommands.Add(DeleteCommand());
        return group;
    }

    private static string PathOf(string id) => "v1/groups/" + Uri.EscapeDataString(id);

    private static Argument<string> GroupId() => new("id") { Description = "Group or role id" };

    private static Command CreateCommand()
    {
        var id = GroupId();
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var role = new Option<bool>("--role") { Description = "Create a role (Role::\"id\") rather than a group (Group::\"id\")" };
        var description = new Option<string?>("--description") { Description = "What it is for" };
        var owner = new Option<string?>("--owner") { Description = "Accountable human owner" };
        var command = new Command("create", "Create a group or role") { id, name, role, description, owner };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var created = await cli.Client.PostAsync<Group>("v1/groups", new CreateGroupRequest(parse.GetValue(id)!, parse.GetValue(name)!,
                parse.GetValue(role) ? GroupKind.Role : GroupKind.Group, parse.GetValue(description), parse.GetValue(owner)), ct);
            cli.Print(created, (g, o) => o.WriteLine($"created {Kind(g.Kind)} {g.Id}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var kind = new Option<string?>("--kind") { Description = "Only groups or only roles", HelpName = "group|role" };
        kind.AcceptOnlyFromAmong("group", "role");
        var paging = new PageOptions();
        var command = new Command("list", "List groups and roles") { kind };
        paging.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var page = await cli.Client.GetAsync<PageResponse<Group>>("v1/groups" + paging.Query(parse, new QueryString().Add("kind", parse.GetValue(kind))), ct);
            cli.Print(page, (p, o) =>
            {
                var table = new Table("ID", "KIND", "NAME", "OWNER", "UPDATED");
                foreach (var g in p.Items)
                {
                    table.Add(g.Id, Kind(g.Kind), g.DisplayName, g.Owner ?? "-", IdentityWords.When(g.UpdatedAt));
                }

                table.Write(o);
                PageOptions.WriteMore(o, p.NextCursor);
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var id = GroupId();
        var paging = new PageOptions(100, "Most members to show", "Continue the members from this cursor");
        var command = new Command("show", "Show a group or role and its members") { id };
        paging.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var path = PathOf(parse.GetValue(id)!);
            var group = await cli.Client.GetAsync<Group>(path, ct);
            var members = await cli.Client.GetAsync<PageResponse<Membership>>(path + "/members" + paging.Query(parse), ct);
            cli.Print(new { group, members }, (shown, o) =>
            {
                var g = shown.group;
                o.WriteLine($"{g.Id}  ({Kind(g.Kind)})");
                o.WriteLine($"  name:        {g.DisplayName}");
                o.WriteLine($"  description: {g.Description ?? "-"}");
                o.WriteLine($"  owner:       {g.Owner ?? "-"}");
                o.WriteLine($"  updated:     {IdentityWords.When(g.UpdatedAt)} (version {g.Version})");
                o.WriteLine(shown.members.Items.Count == 0 ? "  members:     -" : "  members:");
                foreach (var m in shown.members.Items)
                {
                    o.WriteLine($"    {m.MemberId}{(m.MemberIsGroup ? "  (group)" : string.Empty)}");
                }

                PageOptions.WriteMore(o, shown.members.NextCursor);
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command MemberCommand(string name, string description, HttpMethod method)
    {
        var id = GroupId();
        var member = new Argument<string>("member") { Description = "Identity id (or with --group, group id)" };
        var nested = new Option<bool>("--group") { Description = "The member is a group, nested in this one" };
        var command = new Command(name, description) { id, member };
        if (method == HttpMethod.Put)
        {
            command.Options.Add(nested);
        }

        command.SetClientAction(async (parse, cli, ct) =>
        {
            var (groupId, memberId) = (parse.GetValue(id)!, parse.GetValue(member)!);
            var query = new QueryString().Add("group", parse.GetValue(nested) ? "true" : null);
            var status = await cli.Client.SendWithoutBodyAsync(method, $"{PathOf(groupId)}/members/{Uri.EscapeDataString(memberId)}{query}", ct);
            var said = method == HttpMethod.Delete ? $"removed {memberId} from {groupId}"
                : status == HttpStatusCode.Created ? $"added {memberId} to {groupId}"
                : $"{memberId} was already in {groupId}";
            cli.Print(new { group = groupId, member = memberId, changed = status != HttpStatusCode.OK }, (_, o) => o.WriteLine(said));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DeleteCommand()
    {
        var id = GroupId();
        var command = new Command("delete", "Delete a group or role; its members stop being in it at once") { id };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var groupId = parse.GetValue(id)!;
            await cli.Client.DeleteAsync(PathOf(groupId), ct);
            cli.Print(new { id = groupId, deleted = true }, (_, o) => o.WriteLine($"deleted {groupId}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Kind(GroupKind kind) => kind.ToString().ToLowerInvariant();
}
