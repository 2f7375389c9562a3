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
                context = With(context, name, value);
            }
        }

        return context;
    }

    /// <summary>The context with <c>time</c> set to <paramref name="now"/>, unless it has one.</summary>
    public static RecordValue Timed(RecordValue context, DateTimeOffset now) =>
        context.ContainsKey("time") ? context : With(context, "time", new DatetimeValue(now.ToUnixTimeMilliseconds()));

    /// <summary>The context with <paramref name="name"/> set to <paramref name="value"/> (replacing any).</summary>
    public static RecordValue With(RecordValue context, string name, CedarValue value)
    {
        // On every decision (time is added to nearly every context): one array, no iterator chain.
        var fields = new KeyValuePair<string, CedarValue>[context.Fields.Count + (context.ContainsKey(name) ? 0 : 1)];
        var count = 0;
        foreach (var field in context.Fields)
        {
            if (field.Key != name)
            {
                fields[count++] = field;
            }
        }

        fields[count] = new KeyValuePair<string, CedarValue>(name, value);
        return new RecordValue(fields);
    }
}
