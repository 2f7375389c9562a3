namespace Mandate.Server.Admin.Contracts;

/// <summary>What a served policy bundle holds.</summary>
/// <param name="Source">The directory it was read from, or <c>upload</c>.</param>
/// <param name="Digest">SHA-256 over its files: the bundle's version.</param>
/// <param name="Files">Its file names.</param>
/// <param name="Policies">Its policy ids.</param>
/// <param name="Entities">How many entities it adds.</param>
public sealed record BundleInfo(string Source, string Digest, IReadOnlyList<string> Files, IReadOnlyList<string> Policies, int Entities);
