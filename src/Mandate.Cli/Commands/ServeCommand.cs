using System.CommandLine;
using Mandate.Cli.Output;
using Mandate.Server;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate serve</c>: run the control plane with embedded storage.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data")
        {
            Description = $"Data directory (env {MandateServerOptions.DataDirectoryVariable})",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(MandateServerOptions.DataDirectoryVariable) ?? "mandate-data",
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Listen addresses, separated by ';' (port 0 picks a free port)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? MandateServerOptions.DefaultUrl,
        };
        var issuer = new Option<string?>("--issuer") { Description = "Token issuer URL (defaults to the first listen address)" };
        var demo = new Option<bool>("--demo") { Description = "Seed a demo fleet and simulate live traffic" };
        var bundle = new Option<string?>("--bundle") { Description = "Serve a policy bundle directory (*.cedar files and entities.json) beside the stored policies" };
        var depth = new Option<int>("--max-delegation-depth")
        {
            Description = $"Most act hops a delegated token may carry (1 to {MandateServerOptions.MaxDelegationDepthLimit})",
            DefaultValueFactory = _ => 5,
        };
        depth.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > MandateServerOptions.MaxDelegationDepthLimit)
            {
                result.AddError($"--max-delegation-depth must be between 1 and {MandateServerOptions.MaxDelegationDepthLimit}");
            }
        });
        var tokenLifetime = new Option<TimeSpan?>("--access-token-lifetime")
        {
            Description = $"How long access tokens are valid, for example 10m (default {Spans.Format(MandateServerOptions.DefaultAccessTokenLifetime)}; {Spans.Format(MandateServerOptions.MinAccessTokenLifetime)} to {Spans.Format(MandateServerOptions.MaxAccessTokenLifetime)})",
            CustomParser = result => Spans.Parse(result, MandateServerOptions.MinAccessTokenLifetime, MandateServerOptions.MaxAccessTokenLifetime),
        };
        var trustDomain = new Option<string?>("--trust-domain") { Description = "Trust domain of transaction tokens, their aud (defaults to the issuer)" };

        var maxAge = new Option<TimeSpan?>("--event-max-age") { Description = "Remove events older than this, for example 90d (default: keep forever)", CustomParser = Spans.Parse };
        var maxEvents = new Option<long?>("--event-max-count") { Description = "Keep about this many of the newest events (default: no limit)" };
        maxEvents.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is < 1)
            {
                result.AddError("--event-max-count must be 1 or more");
            }
        });

        var signingAlg = new Option<string>("--signing-alg")
        {
            Description = "Algorithm of the issuer's signing keys: ES256 (default; every JOSE library verifies it) or EdDSA",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(MandateServerOptions.SigningAlgorithmVariable) ?? "ES256",
        };
        signingAlg.AcceptOnlyFromAmong("ES256", "EdDSA");
        var noDpopNonce = new Option<bool>("--no-dpop-nonce") { Description = "Accept DPoP proofs at the token endpoint without a server nonce" };

        var noHugePages = new Option<bool>("--no-huge-pages") { Description = "Keep the authorization snapshot on small pages (by default it is backed by transparent huge pages on Linux)" };

        var command = new Command("serve", "Run the Mandate server") { data, urls, issuer, demo, bundle, depth, tokenLifetime, trustDomain, maxAge, maxEvents, signingAlg, noDpopNonce, noHugePages };
        command.SetAction(async (parse, ct) => await CommandActions.Guard(parse, async () =>
        {
            var options = new MandateServerOptions
            {
                DataDirectory = parse.GetValue(data)!,
                Urls = parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Issuer = parse.GetValue(issuer),
                Demo = parse.GetValue(demo),
                BundleDirectory = parse.GetValue(bundle),
                MaxDelegationDepth = parse.GetValue(depth),
                AccessTokenLifetime = parse.GetValue(tokenLifetime) ?? MandateServerOptions.DefaultAccessTokenLifetime,
                TrustDomain = parse.GetValue(trustDomain),
                EventRetention = new() { MaxAge = parse.GetValue(maxAge), MaxEvents = parse.GetValue(maxEvents) },
                SigningAlgorithm = parse.GetValue(signingAlg)!,
                DpopNonceRequired = !parse.GetValue(noDpopNonce),
                HugePages = !parse.GetValue(noHugePages),
                AdminToken = Environment.GetEnvironmentVariable(MandateServerOptions.AdminTokenVariable),
                Announcements = parse.InvocationConfiguration.Output,
            };
            MandateServer server;
            try
            {
                server = await MandateServer.StartAsync(options, ct);
            }
            catch (InvalidOperationException ex)
            {
                throw new Http.CliException(ex.Message);
            }
            catch (Authorization.PolicyBundleException ex)
            {
                // Every problem, each with its file and place, as `mandate bundle push` reports them.
                throw new Http.CliException($"the bundle `{options.BundleDirectory}` cannot be served: "
                    + string.Join(Environment.NewLine + "  ", ex.Problems.Select(p => p.ToString()).Prepend($"{ex.Problems.Count} problem(s)")));
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                throw new Http.CliException($"cannot listen: {ex.Message} (pick another --urls)");
            }

            await using var running = server;
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"Mandate is listening on {string.Join(", ", server.Addresses)} (data: {Path.GetFullPath(options.DataDirectory)})");
            await server.WaitForShutdownAsync(ct);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
