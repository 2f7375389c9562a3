using System.CommandLine;
using Mandate.Cli.Http;
using Mandate.Cli.Output;
using Mandate.Client;
using Mandate.Client.Enforcement;
using Mandate.Proxy;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate proxy</c>: protect any HTTP upstream with Mandate tokens and decisions.</summary>
internal static class ProxyCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Proxy configuration file (JSON: upstream, server, audience, routes, ...)", Required = true };
        var listen = new Option<string?>("--listen") { Description = "Listen addresses, separated by ';' (overrides the file)" };
        var admin = new Option<string?>("--admin-listen") { Description = "Addresses for /metrics and /healthz, separated by ';' (overrides the file)" };
        var upstream = new Option<Uri?>("--upstream") { Description = "Upstream address (overrides the file)" };
        var mode = new Option<string?>("--mode") { Description = "remote or in_process (overrides the file)" };
        var command = new Command("proxy", "Run a reverse proxy that forwards only authenticated, allowed requests to an upstream")
        {
            config, listen, admin, upstream, mode,
        };
        command.SetAction(async (parse, ct) => await CommandActions.Guard(parse, async () =>
        {
            ProxyConfiguration configuration;
            try
            {
                configuration = ProxyConfiguration.Parse(await File.ReadAllTextAsync(parse.GetValue(config)!, ct));
                configuration = configuration with
                {
                    Listen = parse.GetValue(listen)?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? configuration.Listen,
                    AdminListen = parse.GetValue(admin)?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? configuration.AdminListen,
                    Upstream = parse.GetValue(upstream) ?? configuration.Upstream,
                    // An explicit --server wins over the file; MANDATE_URL (or the default address) only fills a gap.
                    Server = parse.GetResult(CliContext.Server) is { Implicit: false } ? parse.GetValue(CliContext.Server)
                        : configuration.Server ?? parse.GetValue(CliContext.Server),
                    Mode = parse.GetValue(mode) switch
                    {
                        null => configuration.Mode,
                        "remote" => DecisionMode.Remote,
                        "in_process" or "in-process" => DecisionMode.InProcess,
                        var other => throw new CliException($"`--mode {other}` is not remote or in_process", ExitCodes.Usage),
                    },
                };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new CliException(ex.Message, ExitCodes.Usage);
            }

            if (string.IsNullOrEmpty(parse.GetValue(CliContext.Token)))
            {
                throw new CliException(configuration.Mode == DecisionMode.InProcess
                    ? "in-process decisions need a credential to follow the snapshot and report decisions: pass --token or set MANDATE_ADMIN_TOKEN"
                    : "the proxy needs a credential to ask Mandate for decisions: pass --token or set MANDATE_ADMIN_TOKEN", ExitCodes.Usage);
            }

            MandateProxy proxy;
            try
            {
                proxy = await MandateProxy.StartAsync(configuration, parse.GetValue(CliContext.Token), cancellationToken: ct);
            }
            catch (Exception ex) when (ex is ArgumentException or MandateClientException or OperationCanceledException or IOException)
            {
                throw new CliException("the proxy could not start: " + ex.Message);
            }

            await using var running = proxy;
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"mandate proxy is listening on {string.Join(", ", proxy.Addresses)}, forwarding to {configuration.Upstream} ({(configuration.Mode == DecisionMode.Remote ? "remote" : "in-process")} decisions)"
                + (proxy.AdminAddresses.Count > 0 ? $"; /metrics and /healthz on {string.Join(", ", proxy.AdminAddresses)}" : string.Empty));
            await proxy.WaitForShutdownAsync(ct);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
