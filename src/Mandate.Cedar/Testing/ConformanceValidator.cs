using Mandate.Cedar.Ast;

namespace Mandate.Cedar.Testing;

/// <summary>
/// Checks policies against a schema for a conformance test. Returns the validation errors (empty when the
/// policies validate); the runner compares "no errors" with the test's <c>shouldValidate</c>.
/// </summary>
public delegate IReadOnlyList<string> ConformanceValidator(ConformanceTest test, PolicySet policies, string schemaText);
