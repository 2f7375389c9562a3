using System.Text.Json;
using System.Text.Json.Serialization;
using Mandate.Authorization;
using Mandate.Cedar.Values;

namespace Mandate.Server.Access;

/// <summary>An AuthZEN subject or resource: a Cedar entity <c>type::"id"</c>. A value: every request has a few.</summary>
public readonly record struct EntityRef(string Type, string Id, JsonElement? Properties = null);

/// <summary>An AuthZEN action: <c>Action::"name"</c>. A value, like <see cref="EntityRef"/>.</summary>
public readonly record struct ActionRef(string Name, JsonElement? Properties = null);

/// <summary>Request options. <c>explain</c> (a Mandate extension) asks for reasons in the response context.</summary>
public sealed record EvaluationOptions(string? EvaluationsSemantic = null, bool Explain = false);

/// <summary>Body of <c>POST /access/v1/evaluation</c> (AuthZEN Authorization API 1.0).</summary>
public sealed record EvaluationRequest(EntityRef Subject, ActionRef Action, EntityRef Resource, JsonElement? Context = null, EvaluationOptions? Options = null)
{
    /// <summary>
    /// <see cref="Context"/> already as Cedar fields, in place of it, when the body's reader took it straight off the
    /// JSON (every member a string, a 64-bit integer or a boolean); never serialized.
    /// </summary>
    internal KeyValuePair<string, CedarValue>[]? ContextFields { get; init; }
}

/// <summary>One item of a batch; absent members take the request's top-level values.</summary>
public sealed record EvaluationItem(EntityRef? Subject = null, ActionRef? Action = null, EntityRef? Resource = null, JsonElement? Context = null)
{
    /// <inheritdoc cref="EvaluationRequest.ContextFields"/>
    internal KeyValuePair<string, CedarValue>[]? ContextFields { get; init; }
}

/// <summary>Body of <c>POST /access/v1/evaluations</c>: top-level defaults and the items to decide, in order.</summary>
public sealed record EvaluationsRequest(
    EntityRef? Subject = null, ActionRef? Action = null, EntityRef? Resource = null, JsonElement? Context = null,
    List<EvaluationItem>? Evaluations = null, EvaluationOptions? Options = null)
{
    /// <inheritdoc cref="EvaluationRequest.ContextFields"/>
    internal KeyValuePair<string, CedarValue>[]? ContextFields { get; init; }
}

/// <summary>A decision; <c>context</c> carries reasons when asked for, and the error of an item that failed.</summary>
public sealed record EvaluationResponse(bool Decision, EvaluationContext? Context = null);

/// <summary>Answer of <c>POST /access/v1/evaluations</c>: one decision per item, in request order.</summary>
public sealed record EvaluationsResponse(IReadOnlyList<EvaluationResponse> Evaluations);

/// <summary>Why: determining policies, policies that failed to evaluate, or why the item could not be evaluated.</summary>
public sealed record EvaluationContext(
    IReadOnlyList<string>? Reasons = null,
    IReadOnlyList<DecisionError>? Errors = null,
    [property: JsonPropertyName("error")] string? Error = null)
{
    /// <summary>For a delegated token, the identity on its chain whose decision failed.</summary>
    [JsonPropertyName("hop")]
    public string? Hop { get; init; }
}
