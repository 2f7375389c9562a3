using System.Collections.Immutable;
using Mandate.Cedar.Ast;

namespace Mandate.Cedar.Evaluation;

/// <summary>
/// A policy prepared once for repeated evaluation: constant subexpressions (literal sets and records,
/// extension constructors such as <c>ip("10.0.0.0/8")</c>) computed ahead of time and each condition compiled
/// to a delegate tree.
/// </summary>
internal sealed class CompiledPolicy
{
    public CompiledPolicy(Policy source)
    {
        Source = source;
        Conditions = [.. source.Conditions.Select(c => (ExpressionCompiler.Compile(ConstantFolding.Fold(c.Body)), c.Kind == ConditionKind.When))];
    }

    /// <summary>The policy as parsed.</summary>
    public Policy Source { get; }

    /// <summary>Each condition's body and the value it must have for the policy to hold.</summary>
    public ImmutableArray<(CompiledExpression Body, bool MustHold)> Conditions { get; }
}
