namespace Mandate.Server.Admin.Contracts;

/// <summary>Body of <c>POST /v1/policies</c>.</summary>
public sealed record CreatePolicyRequest(string Id, string Text, string? Description = null, bool Enabled = true);

/// <summary>Body of <c>PATCH /v1/policies/{id}</c>.</summary>
public sealed record UpdatePolicyRequest(string? Text = null, string? Description = null, bool? Enabled = null, long? Version = null);
