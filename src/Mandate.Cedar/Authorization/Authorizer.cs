using System.Buffers;
using System.Runtime.CompilerServices;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;

namespace Mandate.Cedar.Authorization;

/// <summary>
/// Cedar's authorization algorithm: deny by default; any satisfied <c>forbid</c> denies; otherwise any
/// satisfied <c>permit</c> allows. A policy whose evaluation fails is skipped and reported as an error.
/// Only the candidate policies the scope index finds for the request are evaluated.
/// </summary>
public static class Authorizer
{
    /// <summary>Decides <paramref name="request"/> under <paramref name="policies"/> with <paramref name="entities"/>.</summary>
    public static AuthorizationResponse IsAuthorized(Request request, PolicySet policies, EntityStore entities) =>
        IsAuthorized(new PreparedRequest(request, entities), policies);

    /// <summary>Decides a prepared request under <paramref name="policies"/>, with reasons and errors.</summary>
    public static AuthorizationResponse IsAuthorized(PreparedRequest request, PolicySet policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var index = policies.Index;
        var outcomes = new ReportingOutcomes(index);
        Evaluate(request, index, ref outcomes);
        if (outcomes.Errors is null && (outcomes.Forbids.Any ? outcomes.Forbids : outcomes.Permits).Sole(index) is { } sole)
        {
            return sole.AsSoleDeterminer;
        }

        IReadOnlyList<PolicyError> errors = outcomes.Errors is null ? Array.Empty<PolicyError>() : outcomes.Errors;
        if (outcomes.Forbids.Any)
        {
            return new AuthorizationResponse(Decision.Deny, outcomes.Forbids.Ids(index), errors);
        }

        return outcomes.Permits.Any
            ? new AuthorizationResponse(Decision.Allow, outcomes.Permits.Ids(index), errors)
            : new AuthorizationResponse(Decision.Deny, [], errors);
    }

    /// <summary>
    /// Decides a prepared request without allocating: the same decision as <see cref="IsAuthorized(PreparedRequest, PolicySet)"/>,
    /// with the determining policies written to <paramref name="reasons"/> as positions in
    /// <see cref="PolicySet.Policies"/> (as many as fit; <paramref name="reasonCount"/> says how many there are).
    /// Evaluation errors are not reported here; use <see cref="IsAuthorized(PreparedRequest, PolicySet)"/> to explain a decision.
    /// </summary>
    public static Decision Decide(PreparedRequest request, PolicySet policies, Span<int> reasons, out int reasonCount)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var outcomes = new CountingOutcomes(reasons);
        Evaluate(request, policies.Index, ref outcomes);
        return outcomes.Finish(out reasonCount);
    }

    // Candidates usually number a handful: room for this many on the stack, and a pooled array for more.
    private const int StackCandidates = 128;

    // The candidate buffer is written before it is read: zeroing it would cost more than finding most candidates.
    [SkipLocalsInit]
    private static void Evaluate<TOutcomes>(PreparedRequest request, PolicyIndex index, ref TOutcomes outcomes)
        where TOutcomes : IPolicyOutcomes, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(request);
        Span<int> candidates = stackalloc int[StackCandidates];
        int[]? rented = null;
        var count = index.CandidateEntries(request, candidates);
        if (count < 0)
        {
            rented = ArrayPool<int>.Shared.Rent(index.Policies.Length);
            candidates = rented;
            count = index.CandidateEntries(request, candidates);
        }

        var evaluator = Evaluator.Rent(request);
        try
        {
            foreach (var at in candidates[..count])
            {
                // Most candidates are decided from their index entry alone; the others by the whole policy.
                ref readonly var entry = ref index.EntryAt(at);
                var outcome = entry.IsDirect ? evaluator.EvaluateCondition(entry.ConditionHead, entry.ConditionTail) : evaluator.EvaluateCandidate(index.Policies[entry.Ordinal]);
                switch (outcome)
                {
                    case PolicyOutcome.Satisfied:
                        outcomes.Satisfied(entry.Ordinal, entry.IsForbid);
                        break;
                    case PolicyOutcome.Failed:
                        outcomes.Failed(entry.Ordinal, evaluator.Error ?? "evaluation failed");
                        break;
                }
            }
        }
        finally
        {
            Evaluator.Return(evaluator);
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private interface IPolicyOutcomes
    {
        void Satisfied(int ordinal, bool forbid);

        void Failed(int ordinal, string message);
    }

    /// <summary>Collects the full response: determining policy ids and every error.</summary>
    private struct ReportingOutcomes(PolicyIndex index) : IPolicyOutcomes
    {
        public Satisfying Permits;
        public Satisfying Forbids;
        public List<PolicyError>? Errors;

        public void Satisfied(int ordinal, bool forbid) => (forbid ? ref Forbids : ref Permits).Add(index, ordinal);

        public void Failed(int ordinal, string message) =>
            (Errors ??= []).Add(new PolicyError(index.Policies[ordinal].Source.Id, message));
    }

    /// <summary>
    /// The satisfied policies of one effect, in ascending order: the first held as its ordinal, a list made only for a
    /// second, so a decision with one determining policy answers with that policy's shared reasons.
    /// </summary>
    private struct Satisfying
    {
        private int _first;
        private List<string>? _all;

        public readonly bool Any => _first != 0;

        public void Add(PolicyIndex index, int ordinal)
        {
            if (_first == 0)
            {
                _first = ordinal + 1;
                return;
            }

            (_all ??= [index.Policies[_first - 1].Source.Id]).Add(index.Policies[ordinal].Source.Id);
        }

        public readonly IReadOnlyList<string> Ids(PolicyIndex index) => _all ?? index.Policies[_first - 1].AsSoleReason;

        /// <summary>The one satisfied policy, when exactly one was.</summary>
        public readonly CompiledPolicy? Sole(PolicyIndex index) => _first != 0 && _all is null ? index.Policies[_first - 1] : null;
    }

    /// <summary>
    /// Counts satisfied permits and forbids and writes the determining ones straight into the caller's span: permits
    /// while no forbid has held, then forbids over them (once a forbid holds, permits no longer decide). Candidates
    /// come in ascending order, so reasons do too.
    /// </summary>
    private ref struct CountingOutcomes(Span<int> reasons) : IPolicyOutcomes
    {
        private readonly Span<int> _reasons = reasons;
        private int _permits;
        private int _forbids;

        public void Satisfied(int ordinal, bool forbid)
        {
            if (forbid)
            {
                Note(ordinal, _forbids++);
            }
            else if (_forbids == 0)
            {
                Note(ordinal, _permits++);
            }
        }

        public readonly void Failed(int ordinal, string message)
        {
        }

        public readonly Decision Finish(out int reasonCount)
        {
            reasonCount = _forbids > 0 ? _forbids : _permits;
            return _forbids == 0 && _permits > 0 ? Decision.Allow : Decision.Deny;
        }

        private readonly void Note(int ordinal, int at)
        {
            if (at < _reasons.Length)
            {
                _reasons[at] = ordinal;
            }
        }
    }
}
