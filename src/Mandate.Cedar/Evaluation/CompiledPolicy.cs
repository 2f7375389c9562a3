using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>
/// A policy prepared once for repeated evaluation: its scope flattened into fields (so checking it touches this
/// object and the anchor entities, not the syntax tree), constant subexpressions (literal sets and records,
/// extension constructors such as <c>ip("10.0.0.0/8")</c>) computed ahead of time and each condition compiled
/// to a delegate tree.
/// </summary>
internal sealed class CompiledPolicy
{
    /// <summary>Compiles <paramref name="source"/>, sharing subexpression delegates through <paramref name="shared"/> when given (see <see cref="ExpressionCompiler.Compile(Expr, Dictionary{Expr, CompiledExpression})"/>).</summary>
    public CompiledPolicy(Policy source, Dictionary<Expr, CompiledExpression>? shared = null)
    {
        Source = source;
        Forbid = source.Effect == Effect.Forbid;
        Principal = new CompiledScope(source.Principal);
        Resource = new CompiledScope(source.Resource);
        ActionOperator = source.Action.Operator;
        Actions = [.. source.Action.Entities];
        ScopeIndexed = Indexed(Principal) && Indexed(Resource);
        ScopeProvenByIndex = ScopeIndexed && !Principal.ChecksType && !Resource.ChecksType;
        var conditions = source.Conditions.Select(c => (Body: ConstantFolding.Fold(c.Body), c.Kind)).ToArray();
        if (conditions.Length > MaxJoinedConditions)
        {
            Condition = Combine([.. conditions.Select(c => (ExpressionCompiler.Compile(c.Body, shared), c.Kind == ConditionKind.When))]);
            (ConditionHead, ConditionTail) = (Condition, null);
            return;
        }

        // A policy's condition is the conjunction, in order, of its `when` bodies and the negations of its `unless`
        // bodies. Compiled as that one expression through the shared table, policies whose conditions read alike share
        // one delegate: a thousand copies of `forbid (...) unless { context.purpose == "incident" }` are one `!`.
        var joined = conditions.Select(c => c.Kind == ConditionKind.When ? c.Body : new UnaryExpr(UnaryOperator.Not, c.Body))
            .Aggregate((Expr?)null, (all, next) => all is null ? next : new AndExpr(all, next));
        Condition = joined is null ? null : ExpressionCompiler.Compile(joined, shared);
        (ConditionHead, ConditionTail) = shared is not null && joined is AndExpr and
            ? (ExpressionCompiler.Compile(and.Left, shared), ExpressionCompiler.Compile(and.Right, shared))
            : (Condition, null);
    }

    // Beyond this many `when`/`unless` clauses the conditions are evaluated as a list rather than joined into one
    // expression, so that a policy with thousands of clauses does not become an expression thousands of levels deep.
    private const int MaxJoinedConditions = 16;

    /// <summary>The policy as parsed.</summary>
    public Policy Source { get; }

    /// <summary>
    /// The reasons of a decision this policy alone determined, made on first use and then shared: the commonest
    /// response allocates no list for them, and a decision event that keeps them holds nothing of its own.
    /// </summary>
    public IReadOnlyList<string> AsSoleReason => field ??= [Source.Id];

    /// <summary>
    /// The response of a decision this policy alone determined with no policy failing (an allow for a permit, a deny
    /// for a forbid), made on first use and then shared, like its reasons: responses are immutable.
    /// </summary>
    public Authorization.AuthorizationResponse AsSoleDeterminer =>
        field ??= new(Forbid ? Authorization.Decision.Deny : Authorization.Decision.Allow, AsSoleReason, Array.Empty<Authorization.PolicyError>());

    /// <summary>Whether the policy is a <c>forbid</c>.</summary>
    public bool Forbid { get; }

    /// <summary>The principal scope.</summary>
    public CompiledScope Principal { get; }

    /// <summary>The resource scope.</summary>
    public CompiledScope Resource { get; }

    /// <summary>The form of the action scope.</summary>
    public ActionScopeOperator ActionOperator { get; }

    /// <summary>The actions the action scope names (none when open).</summary>
    public EntityUid[] Actions { get; }

    /// <summary>
    /// The policy's conditions as one expression, null when it has none: <c>true</c> when every <c>when</c> holds and
    /// every <c>unless</c> does not, <c>false</c> at the first that fails to, and a failure (or a non-boolean value,
    /// from a lone <c>when</c>) when a condition does, in order. A lone <c>when</c> is its own body, so evaluating the
    /// commonest policies reads no list of conditions.
    /// </summary>
    public CompiledExpression? Condition { get; }

    /// <summary>
    /// <see cref="Condition"/> as two conjuncts, when it is of the form <c>a &amp;&amp; b</c> (a <c>when</c> of that form, or
    /// several conditions) and was compiled with a shared table: <c>a</c> and <c>b</c>, to evaluate in turn (the second
    /// only when the first is true). Otherwise <see cref="Condition"/> and null.
    /// </summary>
    /// <remarks>
    /// Policies stamped from one pattern share the delegates of most of their subexpressions, but the <c>&amp;&amp;</c>
    /// at the top of each condition joins a combination of them that is usually the policy's own. Over a large set
    /// that node is cold whenever a request reaches the policy: two dependent cache misses (the delegate, then its
    /// closure) before anything shared runs. The policy index keeps both conjuncts in the policy's entry instead, which
    /// it has just read.
    /// </remarks>
    public CompiledExpression? ConditionHead { get; }

    /// <summary>The second conjunct of <see cref="ConditionHead"/>, or null when the condition is not split.</summary>
    public CompiledExpression? ConditionTail { get; }

    /// <summary>
    /// Whether the policy index matches this policy's scope entities exactly (every <c>==</c>/<c>in</c> names an
    /// entity, which only an unlinked template slot does not), so that for a candidate the index found only the
    /// <c>is</c> types and the conditions are left to check.
    /// </summary>
    public bool ScopeIndexed { get; }

    /// <summary>
    /// Whether the policy index finding the policy proves its whole scope: <see cref="ScopeIndexed"/>, and no <c>is</c>
    /// type left to check, so only <see cref="Condition"/> decides a candidate.
    /// </summary>
    public bool ScopeProvenByIndex { get; }

    /// <summary>
    /// The top-level conjuncts of the policy's <c>when</c> conditions that never read <c>resource</c>, compiled on
    /// first use. The policy holds for a resource only when every conjunct evaluates to true, and these evaluate the
    /// same for every resource of one request, so when one of them is not true (false, an error, not a boolean) the
    /// policy holds for no resource at all: a resource search skips everything the policy's scope reaches.
    /// </summary>
    public CompiledExpression[] ResourceIndependentGuards =>
        Volatile.Read(ref _guards) ?? LazyInitializer.EnsureInitialized(ref _guards, () =>
        [
            .. Source.Conditions.Where(c => c.Kind == ConditionKind.When).SelectMany(c => Conjuncts(c.Body))
                .Where(conjunct => !Reads(conjunct, Variable.Resource))
                .Select(conjunct => ExpressionCompiler.Compile(ConstantFolding.Fold(conjunct))),
        ]);

    private CompiledExpression[]? _guards;

    // The conditions of a policy with more than MaxJoinedConditions of them, checked in order as a list.
    private static CompiledExpression Combine((CompiledExpression Body, bool MustHold)[] conditions)
    {
        return e =>
        {
            foreach (var (body, mustHold) in conditions)
            {
                if (ExpressionCompiler.Boolean(e, body) is not { } result)
                {
                    return null;
                }

                if (result.Value != mustHold)
                {
                    return BoolValue.False;
                }
            }

            return BoolValue.True;
        };
    }

    private static IEnumerable<Expr> Conjuncts(Expr expr) =>
        expr is AndExpr and ? Conjuncts(and.Left).Concat(Conjuncts(and.Right)) : [expr];

    private static bool Reads(Expr expr, Variable variable) =>
        (expr is VariableExpr read && read.Variable == variable) || ExprChildren.Of(expr).Any(child => Reads(child, variable));

    private static bool Indexed(CompiledScope scope) => scope.Operator is ScopeOperator.Any or ScopeOperator.Is || scope.Entity is not null;
}

/// <summary>A principal or resource scope as plain fields.</summary>
internal readonly struct CompiledScope(ScopeConstraint scope)
{
    /// <summary>The form of the constraint.</summary>
    public ScopeOperator Operator { get; } = scope.Operator;

    /// <summary>The entity of <c>==</c>, <c>in</c> and <c>is .. in</c>; null for an unlinked template slot.</summary>
    public EntityUid? Entity { get; } = scope.Entity?.Uid;

    /// <summary>The type of <c>is</c> and <c>is .. in</c>.</summary>
    public Name? EntityType { get; } = scope.EntityType;

    /// <summary>Whether the scope names a type (<c>is</c> or <c>is .. in</c>) that an entity must have.</summary>
    public bool ChecksType => Operator is ScopeOperator.Is or ScopeOperator.IsIn;

    /// <summary>Whether <paramref name="uid"/> has the type an <c>is</c> or <c>is .. in</c> scope names (any type otherwise).</summary>
    public bool AdmitsTypeOf(EntityUid uid) => !ChecksType || uid.EntityType.Equals(EntityType);
}
