using Mandate.Authorization;
using Mandate.Cedar.Values;
using Mandate.Client.Enforcement;

namespace Mandate.Client.Decisions;

/// <summary>
/// Decides in this process against the followed snapshot with the same engine and rules as the server
/// (<see cref="DecisionEngine"/>: kill switch first, then Cedar), and reports every decision to Mandate's event stream.
/// Without a snapshot yet, or on any internal failure, it refuses (fail closed).
/// </summary>
/// <remarks>
/// The snapshot holds identities and policies, not the delegation graph and revoked tokens, so a question for a
/// delegated token or with a transaction token goes to <paramref name="server"/>, which knows their standing; without
/// one it is refused. A plain token is decided here for its holder, inside its <c>authorization_details</c>, with
/// <c>context.delegation</c> as the server gives it; its identity standing (the kill switch) is in the snapshot; a plain
/// token revoked with RFC 7009 is refused here only once it expires.
/// </remarks>
/// <param name="snapshots">The followed snapshot.</param>
/// <param name="reporter">Where decision events go.</param>
/// <param name="callerId">This enforcement point's name in events.</param>
/// <param name="time">The clock.</param>
/// <param name="server">Decides what the snapshot cannot (delegated and transaction tokens).</param>
/// <param name="maxSnapshotAge">
/// How long the snapshot may go unconfirmed by the server before every decision is refused as unavailable
/// (<see cref="MandateEnforcementOptions.MaxSnapshotAge"/>); by default 5 minutes.
/// </param>
public sealed class LocalAccessDecider(
    SnapshotFollower snapshots, DecisionReporter reporter, string callerId, TimeProvider? time = null, IAccessDecider? server = null,
    TimeSpan? maxSnapshotAge = null) : IAccessDecider
{
    private static readonly Cedar.Ast.Name ActionType = EntityTypeNames.Parse("Action");

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeSpan _maxSnapshotAge = maxSnapshotAge ?? MandateEnforcementOptions.DefaultMaxSnapshotAge;

    /// <inheritdoc />
    public ValueTask<AccessDecision> DecideAsync(AccessQuestion question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (question.Token is { Actors.Count: > 0 } || question.TransactionToken is not null)
        {
            return server?.DecideAsync(question, cancellationToken)
                ?? ValueTask.FromResult(AccessDecision.Failed("a delegated token or a transaction token needs the Mandate server's decision"));
        }

        if (snapshots.Current is not { } snapshot)
        {
            return ValueTask.FromResult(AccessDecision.Failed("no decision snapshot has been received from Mandate yet"));
        }

        if (snapshots.IsStale(_maxSnapshotAge))
        {
            return ValueTask.FromResult(AccessDecision.Failed(
                $"Mandate has not confirmed the decision snapshot for {snapshots.SinceConfirmed!.Value.TotalSeconds:0} s (at most {_maxSnapshotAge.TotalSeconds:0} s)"));
        }

        DecisionRequest request;
        try
        {
            request = new DecisionRequest(
                new EntityUid(EntityTypeNames.Parse(question.SubjectType), question.SubjectId),
                new EntityUid(ActionType, question.Action),
                new EntityUid(EntityTypeNames.Parse(question.ResourceType), question.ResourceId),
                Context(question.Context))
            {
                // Decided for the token, as the server does: the request must lie inside its authorization_details.
                Token = question.Token,
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or Cedar.Syntax.CedarParseException)
        {
            return ValueTask.FromResult(AccessDecision.Failed("the request does not map to Cedar entities: " + ex.Message));
        }

        var now = _time.GetUtcNow();
        var result = DecisionEngine.Decide(request, snapshot, now, out _);
        reporter.Report(DecisionEvents.Create(request,
            new DecisionOrigin(callerId, question.TokenId, question.SourceIp, question.UserAgent, question.RequestId), result, snapshot, now));
        return ValueTask.FromResult(result.Allowed ? AccessDecision.Allow
            : result.Errors.Count > 0 && ReferenceEquals(result.Errors[0], DecisionEngine.Failure) ? AccessDecision.Failed(result.Errors[0].Message)
            : AccessDecision.Deny(result.Errors.Count > 0 ? result.Errors[0].Message : null));
    }

    private static RecordValue Context(IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0)
        {
            return RecordValue.Empty;
        }

        var fields = new List<KeyValuePair<string, CedarValue>>(values.Count);
        foreach (var (name, value) in values)
        {
            fields.Add(new(name, new StringValue(value)));
        }

        return new RecordValue(fields);
    }
}
