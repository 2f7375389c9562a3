namespace Mandate.Cedar.Json;

/// <summary>Cedar JSON (entities, values, requests) was malformed.</summary>
public sealed class CedarJsonException(string message) : Exception(message);
