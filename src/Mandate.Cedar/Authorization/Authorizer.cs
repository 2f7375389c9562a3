using System.Buffers;
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
        IReadOnlyList<PolicyError> errors = outcomes.Errors is null ? [] : outcomes.Errors;
        if (outcomes.Forbids is not null)
        {
            return new AuthorizationResponse(Decision.Deny, outcomes.Forbids, errors);
        }

        return outcomes.Permits is not null
            ? new AuthorizationResponse(Decision.Allow, outcomes.Permits, errors)
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
        var index = policies.Index;
        var outcomes = new CountingOutcomes(ArrayPool<int>.Shared.Rent(Math.Max(index.Policies.Length, 1)));
        try
        {
            Evaluate(request, index, ref outcomes);
            return outcomes.Finish(reasons, out reasonCount);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(outcomes.Satisfied);
        }
    }

    private static void Evaluate<TOutcomes>(PreparedRequest request, PolicyIndex index, ref TOutcomes outcomes)
        where TOutcomes : struct, IPolicyOutcomes
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = ArrayPool<int>.Shared.Rent(Math.Max(index.Policies.Length, 1));
        var evaluator = Evaluator.Rent(request);
        try
        {
            var count = index.Candidates(request, candidates);
            foreach (var ordinal in candidates.AsSpan(0, count))
            {
                var compiled = index.Policies[ordinal];
                switch (evaluator.EvaluateCandidate(compiled))
                {
                    case PolicyOutcome.Satisfied:
                        outcomes.Satisfied(ordinal, compiled.Forbid);
                        break;
                    case PolicyOutcome.Failed:
                        outcomes.Failed(ordinal, evaluator.Error ?? "evaluation failed");
                        break;
                }
            }
        }
        finally
        {
            Evaluator.Return(evaluator);
            ArrayPool<int>.Shared.Return(candidates);
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
        public List<string>? Permits;
        public List<string>? Forbids;
        public List<PolicyError>? Errors;

        public void Satisfied(int ordinal, bool forbid) =>
            (forbid ? Forbids ??= [] : Permits ??= []).Add(index.Policies[ordinal].Source.Id);

        public void Failed(int ordinal, string message) =>
            (Errors ??= []).Add(new PolicyError(index.Policies[ordinal].Source.Id, message));
    }

    /// <summary>Remembers satisfied policies in a rented buffer (forbids marked by complement), nothing else.</summary>
    private struct CountingOutcomes(int[] satisfied) : IPolicyOutcomes
    {
        public readonly int[] Satisfied = satisfied;
        private int _count;
        private int _forbids;

        void IPolicyOutcomes.Satisfied(int ordinal, bool forbid)
        {
            Satisfied[_count++] = forbid ? ~ordinal : ordinal;
            _forbids += forbid ? 1 : 0;
        }

        public readonly void Failed(int ordinal, string message)
        {
        }

        public readonly Decision Finish(Span<int> reasons, out int reasonCount)
        {
            var deny = _forbids > 0;
            reasonCount = 0;
            foreach (var entry in Satisfied.AsSpan(0, _count))
            {
                if ((entry < 0) == deny)
                {
                    if (reasonCount < reasons.Length)
                    {
                        reasons[reasonCount] = deny ? ~entry : entry;
                    }

                    reasonCount++;
                }
            }

            return deny || _count == 0 ? Decision.Deny : Decision.Allow;
        }
    }
}
