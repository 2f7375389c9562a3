using System.CommandLine;
using Mandate.Cedar.Testing;
using Mandate.Cli.Output;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate cedar test PATH...</c>: run Cedar integration-test files (a file, a folder of <c>*.json</c>, or a <c>.tar.gz</c>).</summary>
internal static class CedarCommands
{
    public static Command Create()
    {
        var cedar = new Command("cedar", "Work with Cedar policies offline");
        cedar.Subcommands.Add(TestCommand());
        cedar.Subcommands.Add(AuthorizeCommand());
        cedar.Subcommands.Add(ValidateCommand());
        cedar.Subcommands.Add(FormatCommand());
        return cedar;
    }

    /// <summary>
    /// Prints the canonical layout, comments kept; <c>--check</c> only reports files that differ, <c>--write</c> rewrites
    /// them in place.
    /// </summary>
    private static Command FormatCommand()
    {
        var files = new Argument<string[]>("files") { Description = "Cedar policy files", Arity = ArgumentArity.OneOrMore };
        var check = new Option<bool>("--check") { Description = "Print nothing but the files that are not in canonical form; exit 1 if any" };
        var write = new Option<bool>("--write", "-w") { Description = "Rewrite the files that are not in canonical form in place, and name them" };
        var command = new Command("fmt", "Print Cedar policies in canonical form, keeping their comments") { files, check, write };
        command.SetAction(async (parse, ct) => await CommandActions.Guard(parse, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(check) && parse.GetValue(write))
            {
                throw new Http.CliException("use either --check or --write", ExitCodes.Usage);
            }

            // Every file is read and formatted before any is written: a file that does not parse leaves them all as they were.
            var results = new List<(string File, string Text, string Formatted)>();
            foreach (var file in parse.GetValue(files)!)
            {
                var text = await InputFiles.ReadTextAsync(file, "policy file", ct);
                try
                {
                    results.Add((file, text, Cedar.Formatting.PolicyFormatter.Format(text)));
                }
                catch (Cedar.Syntax.CedarParseException ex)
                {
                    throw new Http.CliException($"{file}:{ex.Line}:{ex.Column}: {ex.Reason}");
                }
            }

            var unformatted = 0;
            foreach (var (file, text, formatted) in results)
            {
                if (parse.GetValue(check) || parse.GetValue(write))
                {
                    if (formatted != text)
                    {
                        unformatted++;
                        if (parse.GetValue(write))
                        {
                            await Rewrite(file, formatted, ct);
                        }

                        output.WriteLine(file);
                    }
                }
                else
                {
                    output.Write(formatted);
                }
            }

            return unformatted > 0 && parse.GetValue(check) ? ExitCodes.Failure : ExitCodes.Ok;
        }));
        return command;
    }

    // A failure part way never leaves half a policy file (see AtomicFile).
    private static Task Rewrite(string file, string text, CancellationToken cancellationToken) =>
        AtomicFile.ReplaceAsync(file, async (stream, ct) =>
        {
            var bytes = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
            await stream.WriteAsync(bytes, ct);
        }, cancellationToken);

    private static Command AuthorizeCommand()
    {
        var policies = new Option<string>("--policies") { Description = "Cedar policy file (policies named policy0, policy1, ... in file order)", Required = true };
        var entities = new Option<string?>("--entities") { Description = "Entities file in Cedar's JSON format" };
        var request = new Option<string>("--request") { Description = "Request JSON: {\"principal\", \"action\", \"resource\", \"context\"} with entities as {\"type\", \"id\"}", Required = true };
        var command = new Command("authorize", "Decide one request offline, as Cedar would (exit 0 allow, 3 deny)") { policies, entities, request };
        command.SetAction(async (parse, ct) => await CommandActions.Guard(parse, async () =>
        {
            var policyFile = parse.GetValue(policies)!;
            var policyText = await InputFiles.ReadTextAsync(policyFile, "policy file", ct);
            var entitiesFile = parse.GetValue(entities);
            var entitiesText = entitiesFile is null ? null : await InputFiles.ReadTextAsync(entitiesFile, "entities file", ct);
            using var requestJson = await ReadRequestAsync(parse.GetValue(request)!, ct);
            Cedar.Authorization.AuthorizationResponse response;
            try
            {
                var policySet = Cedar.Syntax.CedarParser.ParsePolicySet(policyText);
                var store = entitiesText is null ? Cedar.Entities.EntityStore.Empty : FromJson(entitiesFile!, () => Cedar.Json.CedarJson.ParseEntities(entitiesText));
                response = Cedar.Authorization.Authorizer.IsAuthorized(FromJson("request", () => Cedar.Json.CedarJson.ParseRequest(requestJson.RootElement)), policySet, store);
            }
            catch (Cedar.Syntax.CedarParseException ex)
            {
                throw new Http.CliException($"{policyFile}:{ex.Line}:{ex.Column}: {ex.Reason}", ExitCodes.Usage);
            }

            var output = parse.InvocationConfiguration.Output;
            output.WriteLine(response.Decision == Cedar.Authorization.Decision.Allow ? "ALLOW" : "DENY");
            if (response.Reasons.Count > 0)
            {
                output.WriteLine($"  determined by: {string.Join(", ", response.Reasons)}");
            }

            foreach (var error in response.Errors)
            {
                output.WriteLine($"  error in {error.PolicyId}: {error.Message}");
            }

            return response.Decision == Cedar.Authorization.Decision.Allow ? ExitCodes.Ok : ExitCodes.Denied;
        }));
        return command;
    }

    /// <summary>
    /// Strict validation of policies against a schema (<c>.cedarschema</c> or JSON); with <c>--entities</c> and
    /// <c>--request</c> also checks data against it. Prints <c>FILE:LINE:COLUMN: POLICY: message</c> per finding.
    /// </summary>
    private static Command ValidateCommand()
    {
        var schema = new Option<string>("--schema") { Description = "Schema file: Cedar schema syntax, or JSON when it ends in .json", Required = true };
        var policies = new Option<string>("--policies") { Description = "Cedar policy file (policies named policy0, policy1, ... in file order)", Required = true };
        var entities = new Option<string?>("--entities") { Description = "Entities file in Cedar's JSON format to check against the schema" };
        var request = new Option<string?>("--request") { Description = "Request JSON (or a file holding it) to check against the schema" };
        var command = new Command("validate", "Check policies (and optionally entities and a request) against a schema; exit 0 when valid, 1 when not") { schema, policies, entities, request };
        command.SetAction(async (parse, ct) => await CommandActions.Guard(parse, async () =>
        {
            var policyFile = parse.GetValue(policies)!;
            var schemaFile = parse.GetValue(schema)!;
            Cedar.Schema.CedarSchema parsedSchema;
            Cedar.Ast.PolicySet policySet;
            var problems = new List<string>();
            var schemaText = await InputFiles.ReadTextAsync(schemaFile, "schema file", ct);
            var policyText = await InputFiles.ReadTextAsync(policyFile, "policy file", ct);
            var entitiesFile = parse.GetValue(entities);
            var entitiesText = entitiesFile is null ? null : await InputFiles.ReadTextAsync(entitiesFile, "entities file", ct);
            using var requestJson = parse.GetValue(request) is { } requestText ? await ReadRequestAsync(requestText, ct) : null;
            try
            {
                parsedSchema = schemaFile.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                    ? Cedar.Schema.CedarSchema.ParseJson(schemaText)
                    : Cedar.Schema.CedarSchema.Parse(schemaText);
                policySet = Cedar.Syntax.CedarParser.ParsePolicySet(policyText);
                var data = new Cedar.Validation.RequestValidator(parsedSchema);
                if (entitiesText is not null)
                {
                    var store = data.Conform(FromJson(entitiesFile!, () => Cedar.Json.CedarJson.ParseEntities(entitiesText, ImplicitReferences)));
                    problems.AddRange(data.Validate(store).Select(p => $"{entitiesFile}: {p}"));
                }

                if (requestJson is not null)
                {
                    problems.AddRange(data.Validate(data.Conform(FromJson("request", () => Cedar.Json.CedarJson.ParseRequest(requestJson.RootElement, ImplicitReferences))))
                        .Select(p => $"request: {p}"));
                }
            }
            catch (Cedar.Schema.SchemaException ex)
            {
                throw new Http.CliException($"{schemaFile}:{ex.Line}:{ex.Column}: {ex.Detail}", ExitCodes.Usage);
            }
            catch (Cedar.Syntax.CedarParseException ex)
            {
                throw new Http.CliException($"{policyFile}:{ex.Line}:{ex.Column}: {ex.Reason}", ExitCodes.Usage);
            }

            var result = new Cedar.Validation.PolicyValidator(parsedSchema).Validate(policySet);
            var output = parse.InvocationConfiguration.Output;
            foreach (var error in result.Errors)
            {
                output.WriteLine($"{policyFile}:{error.Location.Line}:{error.Location.Column}: {error.PolicyId}: {error.Message}");
            }

            foreach (var warning in result.Warnings)
            {
                output.WriteLine($"{policyFile}:{warning.Location.Line}:{warning.Location.Column}: warning: {warning.PolicyId}: {warning.Message}");
            }

            foreach (var problem in problems)
            {
                output.WriteLine(problem);
            }

            var valid = result.IsValid && problems.Count == 0;
            output.WriteLine(valid
                ? $"valid: {policySet.Policies.Length + policySet.Templates.Length} policies"
                : $"invalid: {result.Errors.Count} policy errors, {problems.Count} data problems");
            return valid ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    private static readonly Cedar.Json.CedarJsonOptions ImplicitReferences = new() { ImplicitEntityReferences = true };

    // --request is a file holding the request, or the request's JSON itself.
    private static async Task<System.Text.Json.JsonDocument> ReadRequestAsync(string text, CancellationToken ct)
    {
        var json = File.Exists(text) ? await InputFiles.ReadTextAsync(text, "request file", ct)
            : text.TrimStart().StartsWith('{') ? text
            : throw new Http.CliException($"--request `{text}` is neither a file nor a request's JSON (an object with principal, action, resource and context)", ExitCodes.Usage);
        try
        {
            return System.Text.Json.JsonDocument.Parse(json);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new Http.CliException($"the request is not valid JSON: {ex.Message}", ExitCodes.Usage);
        }
    }

    // Reads entities or a request from Cedar's JSON; what it refuses is a usage error naming the input it came from.
    private static T FromJson<T>(string input, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (Exception ex) when (ex is Cedar.Json.CedarJsonException or ArgumentException)
        {
            throw new Http.CliException($"{input}: {ex.Message}", ExitCodes.Usage);
        }
    }

    private static Command TestCommand()
    {
        var paths = new Argument<string[]>("paths") { Description = "Test files, folders or .tar.gz archives", Arity = ArgumentArity.OneOrMore };
        var command = new Command("test", "Run Cedar conformance test files; ends with `N passed, N failed`") { paths };
        command.SetAction(async (parse, ct) => await CommandActions.Guard(parse, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            error.WriteLine($"running Cedar tests from {string.Join(", ", parse.GetValue(paths)!)} ...");
            CorpusResult result;
            try
            {
                result = new CorpusRunner().Run(parse.GetValue(paths)!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new Http.CliException(ex.Message, ExitCodes.Usage);
            }

            foreach (var failure in result.Failures)
            {
                output.WriteLine($"FAIL {failure.Key}: {failure.Description}");
                foreach (var difference in failure.Differences)
                {
                    output.WriteLine($"  {difference}");
                }
            }

            output.WriteLine(result.Summary);
            return Task.FromResult(result.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failure);
        }));
        return command;
    }
}
