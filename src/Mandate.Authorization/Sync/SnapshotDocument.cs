using System.Text.Json;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Formatting;
using Mandate.Cedar.Json;
using Mandate.Cedar.Syntax;
using Mandate.Core.Identities;

namespace Mandate.Authorization.Sync;

/// <summary>
/// The wire form of an <see cref="AuthorizationSnapshot"/>, served to in-process enforcement points so they decide
/// exactly as the server does: <c>version</c>, <c>policies</c> (<c>id</c> and canonical Cedar <c>text</c>),
/// <c>entities</c> (Cedar's entities format) and <c>identities</c> (the kill-switch facts: <c>id</c>, <c>kind</c>,
/// <c>status</c>, <c>expires_at</c>).
/// </summary>
public static class SnapshotDocument
{
    /// <summary>The media type of the document.</summary>
    public const string MediaType = "application/json";

    /// <summary>Writes <paramref name="snapshot"/> under <paramref name="version"/>.</summary>
    public static void Write(Utf8JsonWriter writer, AuthorizationSnapshot snapshot, string version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(snapshot);
        writer.WriteStartObject();
        writer.WriteString("version", version);
        writer.WriteStartArray("policies");
        foreach (var policy in snapshot.Policies.Policies)
        {
            writer.WriteStartObject();
            writer.WriteString("id", policy.Id);
            writer.WriteString("text", PolicyFormatter.Format(policy));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("entities");
        CedarJson.WriteEntities(writer, snapshot.Entities.Entities);
        writer.WriteStartArray("identities");
        foreach (var identity in snapshot.Identities.Values)
        {
            writer.WriteStartObject();
            writer.WriteString("id", identity.Id);
            writer.WriteString("kind", EntityGraph.TypeOf(identity.Kind));
            writer.WriteString("status", identity.Status.ToString().ToLowerInvariant());
            if (identity.ExpiresAt is { } expires)
            {
                writer.WriteString("expires_at", expires);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads a document back into a snapshot (its generation is <paramref name="generation"/>).</summary>
    /// <exception cref="FormatException">The document is not a snapshot document.</exception>
    public static (string Version, AuthorizationSnapshot Snapshot) Read(ReadOnlySpan<byte> json, long generation)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            var version = root.GetProperty("version").GetString() ?? throw new FormatException("the snapshot has no version");
            var policies = new List<Policy>();
            foreach (var policy in root.GetProperty("policies").EnumerateArray())
            {
                policies.Add(CedarParser.ParsePolicy(policy.GetProperty("text").GetString()!, policy.GetProperty("id").GetString()!));
            }

            var entities = CedarJson.ParseEntities(root.GetProperty("entities"));
            var identities = new Dictionary<string, Identity>(StringComparer.Ordinal);
            foreach (var identity in root.GetProperty("identities").EnumerateArray())
            {
                var id = identity.GetProperty("id").GetString()!;
                identities[id] = new Identity
                {
                    Id = id,
                    DisplayName = id,
                    Kind = EntityGraph.TryGetKind(identity.GetProperty("kind").GetString()!, out var kind)
                        ? kind : throw new FormatException($"identity `{id}` has an unknown kind"),
                    Status = Enum.Parse<IdentityStatus>(identity.GetProperty("status").GetString()!, ignoreCase: true),
                    ExpiresAt = identity.TryGetProperty("expires_at", out var expires) ? expires.GetDateTimeOffset() : null,
                };
            }

            return (version, new AuthorizationSnapshot(generation, new PolicySet(policies), entities, identities));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException
            or CedarParseException or CedarJsonException)
        {
            throw new FormatException("the snapshot document is malformed: " + ex.Message, ex);
        }
    }
}
