namespace Mandate.Cli.Http;

/// <summary>A failure to report to the user as one line, with the exit code to return.</summary>
internal sealed class CliException(string message, int exitCode = Output.ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
