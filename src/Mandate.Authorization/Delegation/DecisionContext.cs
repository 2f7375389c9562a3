using Mandate.Cedar.Values;

namespace Mandate.Authorization.Delegation;

/// <summary>
/// What Mandate adds to a request's Cedar context: <c>time</c> (now, when the caller sent none) and, from a transaction
/// token, <c>initiator</c> and <c>transaction</c>, which replace anything the caller sent under those names because
/// they are signed and the caller's are not.
/// </summary>
internal static class DecisionContext
{
    public static RecordValue For(DecisionRequest request, DateTimeOffset now)
    {
        var context = Timed(request.Context, now);

        if (request.Transaction is { } transaction)
        {
            foreach (var (name, value) in transaction.ToDecisionContext())
            {
                context = context.With(name, value);
            }
        }

        return context;
    }

    /// <summary>The context with <c>time</c> set to <paramref name="now"/>, unless it has one.</summary>
    public static RecordValue Timed(RecordValue context, DateTimeOffset now) =>
        context.ContainsKey(TimeName) ? context : context.With(TimeName, Time(now));

    /// <summary>The name of the field that holds when a decision is made.</summary>
    public const string TimeName = "time";

    /// <summary><paramref name="now"/> as the value of <c>time</c>.</summary>
    public static DatetimeValue Time(DateTimeOffset now) => new(now.ToUnixTimeMilliseconds());
}
