namespace Mandate.Cli.Output;

/// <summary>Process exit codes, stable for scripts.</summary>
internal static class ExitCodes
{
    /// <summary>Success (and, for <c>check</c>, an allow).</summary>
    public const int Ok = 0;

    /// <summary>The operation failed: refused by the server, unreachable server, failing tests.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 2;

    /// <summary><c>check</c> and <c>policy test</c>: the decision was deny.</summary>
    public const int Denied = 3;
}
