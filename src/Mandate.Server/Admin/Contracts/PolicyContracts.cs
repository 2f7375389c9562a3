namespace Mandate.Server.Admin.Contracts;

/// <summary>Body of <c>POST /v1/policies</c>.</summary>
public sealed record CreatePolicyRequest(string Id, string Text, string? Description = null, bool Enabled = true);

/// <summary>Body of <c>PATCH /v1/policies/{id}</c>.</summary>
public sealed record UpdatePolicyRequest(string? Text = null, string? Description = null, bool? Enabled = null, long? Version = null);

/// <summary>
/// Body of <c>POST /v1/policies/evaluate</c>: a decision against the stored entities, with the stored policies
/// or, when <see cref="Policies"/> is given, with that candidate policy text instead. Nothing is recorded.
/// </summary>
public sealed record PolicyEvaluationRequest(
    Access.EntityRef Principal, Access.ActionRef Action, Access.EntityRef Resource, System.Text.Json.JsonElement? Context = null, string? Policies = null);
