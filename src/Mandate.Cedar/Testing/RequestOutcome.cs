namespace Mandate.Cedar.Testing;

/// <summary>
/// The outcome of one request (or, with <see cref="RequestIndex"/> -1, of a test's validation or loading):
/// <see cref="Differences"/> lists what did not match; empty means it passed.
/// </summary>
public sealed record RequestOutcome(string TestName, int RequestIndex, string Description, IReadOnlyList<string> Differences)
{
    /// <summary>Whether everything matched.</summary>
    public bool Passed => Differences.Count == 0;

    /// <summary><c>test#index</c>, the key used by ratchet files.</summary>
    public string Key => $"{TestName}#{RequestIndex}";
}
