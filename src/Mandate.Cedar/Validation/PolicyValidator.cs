using Mandate.Cedar.Ast;
using Mandate.Cedar.Schema;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Validation;

/// <summary>One validation finding about a policy, with where in the policy source it is.</summary>
/// <param name="PolicyId">The policy the finding is about.</param>
/// <param name="Location">Where in the source (the policy's start when no finer place applies).</param>
/// <param name="Message">What is wrong, in words a policy author can act on.</param>
/// <param name="Code">
/// A stable code: <c>undeclared</c> (an entity type, entity or action the schema does not declare),
/// <c>invalid_action_application</c> (no action in scope applies to the scope's principal and resource types),
/// <c>type_error</c>, or <c>impossible_policy</c> (a warning).
/// </param>
public sealed record ValidationError(string PolicyId, SourceLocation Location, string Message, string Code)
{
    /// <summary>An entity type, entity or action the schema does not declare.</summary>
    public const string Undeclared = "undeclared";

    /// <summary>No action in the policy's scope applies to the principal and resource types its scope allows.</summary>
    public const string InvalidActionApplication = "invalid_action_application";

    /// <summary>The policy can fail at run time with a type error, or is not boolean.</summary>
    public const string TypeError = "type_error";

    /// <summary>The policy evaluates to false for every request the schema allows (a warning).</summary>
    public const string ImpossiblePolicy = "impossible_policy";

    /// <inheritdoc />
    public override string ToString() => $"{PolicyId} ({Location}): {Message}";
}

/// <summary>The outcome of validating policies: errors make a policy set invalid, warnings do not.</summary>
/// <param name="Errors">Findings that make the policies invalid.</param>
/// <param name="Warnings">Findings worth a look that do not make the policies invalid.</param>
public sealed record ValidationResult(IReadOnlyList<ValidationError> Errors, IReadOnlyList<ValidationError> Warnings)
{
    /// <summary>Whether the policies validated (no errors).</summary>
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Cedar's strict validator: checks policies against a schema before they are used. Every entity type,
/// entity and action a policy names must be declared; under every request environment the schema allows
/// (principal type, action, resource type), the policy must type-check as a boolean with no runtime type
/// error possible (attributes exist, optional ones are guarded with <c>has</c>, tags with <c>hasTag</c>,
/// operands have the right types, sets are homogeneous). A policy that cannot apply to any environment is
/// reported as impossible, a warning as in Cedar's own validator.
/// </summary>
public sealed class PolicyValidator
{
    private readonly SchemaFacts _schema;

    /// <summary>Creates a validator for <paramref name="schema"/>.</summary>
    public PolicyValidator(CedarSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _schema = new SchemaFacts(schema);
    }

    /// <summary>Validates every policy and template in <paramref name="policies"/>.</summary>
    public ValidationResult Validate(PolicySet policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var errors = new List<ValidationError>();
        var warnings = new List<ValidationError>();
        foreach (var policy in policies.Policies.Concat(policies.Templates))
        {
            Validate(policy, errors, warnings);
        }

        return new ValidationResult(errors, warnings);
    }

    private void Validate(Policy policy, List<ValidationError> errors, List<ValidationError> warnings)
    {
        var expression = PolicyExpression.Of(policy);
        var undeclared = EntityDeclarations.FindUndeclared(_schema, expression);
        if (undeclared.Count > 0)
        {
            errors.AddRange(undeclared.Select(u => new ValidationError(policy.Id, Place(u.Location, policy), u.Message, ValidationError.Undeclared)));
            return;
        }

        if (!ActionApplication.CanApply(_schema, policy))
        {
            errors.Add(new ValidationError(
                policy.Id,
                policy.Location,
                "no action in the policy's scope applies to the principal and resource types its scope allows (check the actions' `appliesTo` in the schema)",
                ValidationError.InvalidActionApplication));
            return;
        }

        var failures = new List<ValidationError>();
        var applies = false;
        foreach (var environment in _schema.Environments)
        {
            try
            {
                var type = new Typechecker(_schema, environment).TypeOf(expression, Capabilities.None).Type;
                if (type is not BoolType result)
                {
                    throw new TypeErrorException(policy.Location, $"the policy's condition has type {type}, not a boolean");
                }

                applies |= result.Kind != BoolKind.False;
            }
            catch (TypeErrorException error)
            {
                var finding = new ValidationError(policy.Id, Place(error.Location, policy), $"{error.Message} (for {environment})", ValidationError.TypeError);
                if (!failures.Exists(f => f.Location == finding.Location && f.Message.StartsWith(error.Message, StringComparison.Ordinal)))
                {
                    failures.Add(finding);
                }
            }
        }

        if (failures.Count > 0)
        {
            errors.AddRange(failures);
        }
        else if (!applies)
        {
            warnings.Add(new ValidationError(policy.Id, policy.Location, "the policy is impossible: it evaluates to false for every request the schema allows", ValidationError.ImpossiblePolicy));
        }
    }

    private static SourceLocation Place(SourceLocation location, Policy policy) => location == default ? policy.Location : location;
}

/// <summary>A policy as one boolean expression: its scope tests and conditions joined by <c>&amp;&amp;</c>.</summary>
internal static class PolicyExpression
{
    public static Expr Of(Policy policy)
    {
        Expr conditions = new LiteralExpr(BoolValue.True) { Location = policy.Location };
        foreach (var condition in policy.Conditions.Reverse())
        {
            var body = condition.Kind == ConditionKind.When
                ? condition.Body
                : new UnaryExpr(UnaryOperator.Not, condition.Body) { Location = condition.Location };
            conditions = new AndExpr(body, conditions) { Location = condition.Location };
        }

        var action = ActionScope(policy.Action, policy.Location);
        var resource = Scope(Variable.Resource, policy.Resource, policy.Location);
        var principal = Scope(Variable.Principal, policy.Principal, policy.Location);
        return new AndExpr(principal, new AndExpr(action, new AndExpr(resource, conditions) { Location = policy.Location }) { Location = policy.Location })
        {
            Location = policy.Location,
        };
    }

    private static Expr Scope(Variable variable, ScopeConstraint scope, SourceLocation location)
    {
        var target = new VariableExpr(variable) { Location = location };
        return scope.Operator switch
        {
            ScopeOperator.Any => new LiteralExpr(BoolValue.True) { Location = location },
            ScopeOperator.Equal => new BinaryExpr(BinaryOperator.Equal, target, Reference(scope.Entity!, location)) { Location = location },
            ScopeOperator.In => new BinaryExpr(BinaryOperator.In, target, Reference(scope.Entity!, location)) { Location = location },
            ScopeOperator.Is => new IsExpr(target, scope.EntityType!, null) { Location = location },
            _ => new IsExpr(target, scope.EntityType!, Reference(scope.Entity!, location)) { Location = location },
        };
    }

    private static Expr ActionScope(ActionConstraint scope, SourceLocation location)
    {
        var action = new VariableExpr(Variable.Action) { Location = location };
        return scope.Operator switch
        {
            ActionScopeOperator.Any => new LiteralExpr(BoolValue.True) { Location = location },
            ActionScopeOperator.Equal => new BinaryExpr(BinaryOperator.Equal, action, new LiteralExpr(scope.Entities[0]) { Location = location }) { Location = location },
            _ when scope.IsList => new BinaryExpr(
                BinaryOperator.In,
                action,
                new SetExpr([.. scope.Entities.Select(e => (Expr)new LiteralExpr(e) { Location = location })]) { Location = location }) { Location = location },
            _ => new BinaryExpr(BinaryOperator.In, action, new LiteralExpr(scope.Entities[0]) { Location = location }) { Location = location },
        };
    }

    private static Expr Reference(EntityReference reference, SourceLocation location) =>
        reference.Uid is { } uid
            ? new LiteralExpr(uid) { Location = location }
            : new SlotExpr(reference.Slot!.Value) { Location = location };
}

/// <summary>Finds entity literals and <c>is</c> types that the schema does not declare.</summary>
internal static class EntityDeclarations
{
    public static List<(SourceLocation Location, string Message)> FindUndeclared(SchemaFacts schema, Expr expression)
    {
        var found = new List<(SourceLocation, string)>();
        Visit(schema, expression, found);
        return found;
    }

    private static void Visit(SchemaFacts schema, Expr expr, List<(SourceLocation, string)> found)
    {
        switch (expr)
        {
            case LiteralExpr { Value: EntityUid uid } when !schema.IsValidEntity(uid) && !schema.IsAction(uid):
                found.Add((expr.Location, schema.IsEntityType(uid.EntityType.FullName)
                    ? $"`{uid}` is not one of the ids the schema declares for enumerated type {uid.EntityType}"
                    : schema.IsActionType(uid.EntityType.FullName)
                        ? $"action `{uid}` is not declared by the schema"
                        : $"entity type {uid.EntityType} is not declared by the schema"));
                break;
            case IsExpr isExpr when !schema.IsEntityType(isExpr.EntityType.FullName):
                found.Add((isExpr.Location, $"entity type {isExpr.EntityType} is not declared by the schema"));
                break;
        }

        foreach (var child in ExprChildren.Of(expr))
        {
            Visit(schema, child, found);
        }
    }
}
