using System.Text.Json;

namespace Mandate.Server.Access;

/// <summary>An AuthZEN subject or resource: a Cedar entity <c>type::"id"</c>.</summary>
public sealed record EntityRef(string Type, string Id, JsonElement? Properties = null);

/// <summary>An AuthZEN action: <c>Action::"name"</c>.</summary>
public sealed record ActionRef(string Name, JsonElement? Properties = null);

/// <summary>Body of <c>POST /access/v1/evaluation</c> (AuthZEN Authorization API 1.0).</summary>
public sealed record EvaluationRequest(EntityRef Subject, ActionRef Action, EntityRef Resource, JsonElement? Context = null);

/// <summary>The decision, with reasons in <c>context</c>.</summary>
public sealed record EvaluationResponse(bool Decision, EvaluationContext Context);

/// <summary>Why: determining policies and policies that failed to evaluate.</summary>
public sealed record EvaluationContext(IReadOnlyList<string> Reasons, IReadOnlyList<Authorization.DecisionError> Errors);
