namespace Mandate.Cedar.Testing;

/// <summary>All outcomes of a corpus run.</summary>
public sealed record CorpusResult(IReadOnlyList<RequestOutcome> Outcomes)
{
    /// <summary>How many outcomes passed.</summary>
    public int Passed => Outcomes.Count(o => o.Passed);

    /// <summary>How many outcomes failed.</summary>
    public int Failed => Outcomes.Count - Passed;

    /// <summary>The failed outcomes.</summary>
    public IEnumerable<RequestOutcome> Failures => Outcomes.Where(o => !o.Passed);

    /// <summary>The closing line of a run, <c>N passed, N failed</c>.</summary>
    public string Summary => $"{Passed} passed, {Failed} failed";
}
