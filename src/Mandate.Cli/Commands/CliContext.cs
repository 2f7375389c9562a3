using System.CommandLine;
using System.Text.Json;
using Mandate.Cli.Http;
using Mandate.Server.Hosting;

namespace Mandate.Cli.Commands;

/// <summary>Options every client command shares, and what a command needs to run: the server client and output.</summary>
internal sealed class CliContext : IDisposable
{
    public static readonly Option<Uri> Server = new("--server")
    {
        Description = "Mandate server URL (env MANDATE_URL)",
        Recursive = true,
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("MANDATE_URL") ?? "http://127.0.0.1:8080"),
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            result.AddError($"--server `{text}` must be an http or https URL");
            return null;
        },
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = "Admin or access token (env MANDATE_ADMIN_TOKEN)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MANDATE_ADMIN_TOKEN"),
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print machine-readable JSON instead of tables",
        Recursive = true,
    };

    // For a terminal or a pipe, not a web page: quotes, `<` and `&` need no escaping.
    internal static readonly JsonSerializerOptions Indented = new(ApiJson.Options) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private CliContext(ParseResult parse)
    {
        AsJson = parse.GetValue(Json);
        Client = new AdminClient(parse.GetValue(Server)!, parse.GetValue(Token));
        Out = parse.InvocationConfiguration.Output;
    }

    public AdminClient Client { get; }

    public bool AsJson { get; }

    public TextWriter Out { get; }

    public static CliContext From(ParseResult parse) => new(parse);

    /// <summary>Prints <paramref name="value"/> as JSON when asked, otherwise with <paramref name="human"/>.</summary>
    public void Print<T>(T value, Action<T, TextWriter> human)
    {
        if (AsJson)
        {
            Out.WriteLine(JsonSerializer.Serialize(value, Indented));
        }
        else
        {
            human(value, Out);
        }
    }

    public void Dispose() => Client.Dispose();
}
