namespace Mandate.Cedar.Evaluation;

/// <summary>Evaluating an expression failed (type error, overflow, missing attribute or entity, ...).</summary>
public sealed class EvaluationException(string message) : Exception(message);
