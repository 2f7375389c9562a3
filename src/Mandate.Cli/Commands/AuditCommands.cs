using System.CommandLine;
using Mandate.Cli.Output;
using Mandate.Server;
using Mandate.Server.Events;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate audit verify</c>: check a data directory's tamper-evident event log offline.</summary>
internal static class AuditCommands
{
    public static Command Create()
    {
        var audit = new Command("audit", "Check the tamper-evident event log");
        audit.Subcommands.Add(VerifyCommand());
        return audit;
    }

    private static Command VerifyCommand()
    {
        var data = new Option<string>("--data")
        {
            Description = $"Data directory to check (env {MandateServerOptions.DataDirectoryVariable})",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(MandateServerOptions.DataDirectoryVariable) ?? "mandate-data",
        };
        var jwks = new Option<string?>("--jwks") { Description = "A saved copy of the server's JWKS to trust for checkpoint signatures (default: the directory's own keys, which needs the key-encryption key)" };
        var kek = new Option<string?>("--kek-file") { Description = "Key-encryption key file, when it is not the directory's `kek` or MANDATE_KEK" };
        var command = new Command("verify", "Re-derive the audit chain and check the signed checkpoints; names the first modified, deleted, inserted or reordered event (exit 0 verified, 1 not)")
        {
            data, jwks, kek,
        };
        command.SetAction(async (parse, ct) => await CommandActions.Guard(parse, async () =>
        {
            var options = new MandateServerOptions { DataDirectory = parse.GetValue(data)!, KeyEncryptionKeyFile = parse.GetValue(kek) };
            Telemetry.Audit.AuditReport report;
            try
            {
                var trusted = parse.GetValue(jwks) is { } file ? await File.ReadAllTextAsync(file, ct) : null;
                report = await AuditVerification.VerifyAsync(options, trusted, ct);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                throw new Http.CliException(ex.Message, ExitCodes.Usage);
            }

            var output = parse.InvocationConfiguration.Output;
            if (report.Problem is { } problem)
            {
                output.WriteLine($"FAILED at event {problem.Sequence}: {problem.Message}");
                output.WriteLine($"({report.Events} events read, {report.Checkpoints} signed checkpoints)");
                return ExitCodes.Failure;
            }

            output.WriteLine($"verified: {report.Events} events, {report.Checkpoints} signed checkpoints");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
