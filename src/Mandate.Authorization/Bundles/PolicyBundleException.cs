namespace Mandate.Authorization;

/// <summary>One problem found in a bundle.</summary>
/// <param name="File">The bundle file it is in.</param>
/// <param name="Line">1-based line, or 0 when the problem is about the whole file.</param>
/// <param name="Column">1-based column, or 0 when the problem is about the whole file.</param>
/// <param name="Message">What is wrong.</param>
public sealed record BundleProblem(string File, int Line, int Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}

/// <summary>A bundle was refused: nothing of it is served. Carries every problem found, not just the first.</summary>
public sealed class PolicyBundleException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public PolicyBundleException(IReadOnlyList<BundleProblem> problems)
        : base(Describe(problems)) => Problems = problems;

    /// <summary>Creates a refusal with one problem.</summary>
    public PolicyBundleException(string message)
        : this([new BundleProblem(string.Empty, 0, 0, message)])
    {
    }

    /// <summary>Creates an empty refusal.</summary>
    public PolicyBundleException()
        : this([])
    {
    }

    /// <summary>Creates a refusal with one problem and its cause.</summary>
    public PolicyBundleException(string message, Exception inner)
        : base(message, inner) => Problems = [new BundleProblem(string.Empty, 0, 0, message)];

    /// <summary>Every problem, in file order.</summary>
    public IReadOnlyList<BundleProblem> Problems { get; }

    private static string Describe(IReadOnlyList<BundleProblem> problems) =>
        problems.Count == 0 ? "the bundle is invalid"
        : $"the bundle has {problems.Count} problem(s); first: {problems[0]}";
}
