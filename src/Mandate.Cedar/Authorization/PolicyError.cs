namespace Mandate.Cedar.Authorization;

/// <summary>A policy whose evaluation failed; it was treated as not satisfied.</summary>
public sealed record PolicyError(string PolicyId, string Message);
