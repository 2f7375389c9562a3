using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using Mandate.Cedar.Syntax;
using Mandate.Server.Access;

namespace Mandate.Cli.Commands;

/// <summary>Options naming a request in Cedar syntax: <c>--principal 'Agent::"bot"' --action read --resource 'Table::"t"'</c>.</summary>
internal sealed class EntityArguments
{
    public Option<EntityRef> Principal { get; } = new("--principal") { Description = "Principal as a Cedar entity, for example Agent::\"invoice-bot\"", Required = true, CustomParser = Parse };

    public Option<string> Action { get; } = new("--action") { Description = "Action name, for example read", Required = true };

    public Option<EntityRef> Resource { get; } = new("--resource") { Description = "Resource as a Cedar entity, for example Table::\"invoices\"", Required = true, CustomParser = Parse };

    public Option<JsonElement?> Context { get; } = new("--context") { Description = "Context as a JSON object, for example {\"purpose\":\"monthly-close\"}", CustomParser = ParseContext };

    public void AddTo(Command command)
    {
        command.Options.Add(Principal);
        command.Options.Add(Action);
        command.Options.Add(Resource);
        command.Options.Add(Context);
    }

    private static EntityRef Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        try
        {
            var uid = CedarParser.ParseEntityUid(text);
            return new EntityRef(uid.EntityType.ToString(), uid.Id);
        }
        catch (CedarParseException ex)
        {
            result.AddError($"`{text}` is not a Cedar entity like Agent::\"bot\": {ex.Reason}");
            return new EntityRef(string.Empty, string.Empty);
        }
    }

    private static JsonElement? ParseContext(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "{}" : result.Tokens[0].Value;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }

        result.AddError("--context must be a JSON object");
        return null;
    }
}
