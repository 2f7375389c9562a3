using System.Globalization;
using System.Text.Json;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Details;

/// <summary>
/// RFC 9396 <c>authorization_details</c> of type <c>mandate</c>: strict parsing of requests (every refusal an
/// <c>invalid_authorization_details</c> that says what is wrong), narrowing checks, and the claim form.
/// </summary>
public static class AuthorizationDetails
{
    /// <summary>Longest <c>authorization_details</c> parameter accepted, in characters.</summary>
    public const int MaxLength = 8 * 1024;

    /// <summary>Most details in one request.</summary>
    public const int MaxDetails = 8;

    /// <summary>Most actions or resources in one detail.</summary>
    public const int MaxTerms = 32;

    /// <summary>Longest purpose.</summary>
    public const int MaxPurposeLength = 256;

    private static readonly string[] Members = ["type", "actions", "resources", "purpose", "not_before", "not_after"];

    /// <summary>Parses a request's <c>authorization_details</c> (a JSON array), or says why it is refused.</summary>
    public static (IReadOnlyList<MandateDetail>? Details, OAuthError? Error) Parse(string json, DateTimeOffset now)
    {
        if (json.Length > MaxLength)
        {
            return Fail($"`authorization_details` is longer than {MaxLength} characters");
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var details = Read(document.RootElement);
            if (details.FirstOrDefault(d => d.NotAfter is { } end && end <= now) is { } ended)
            {
                return Fail($"the window of a `mandate` detail ended at {ended.NotAfter:yyyy-MM-ddTHH:mm:ssZ}");
            }

            return (details, null);
        }
        catch (JsonException)
        {
            return Fail("`authorization_details` is not valid JSON");
        }
        catch (JoseException ex)
        {
            return Fail(ex.Message);
        }
    }

    /// <summary>
    /// The latest <c>not_after</c> of <paramref name="details"/>: a token carrying them never lives past it. Null when
    /// there are no details or one of them has no end.
    /// </summary>
    public static DateTimeOffset? LatestEnd(IReadOnlyList<MandateDetail>? details) =>
        details is null || details.Any(d => d.NotAfter is null) ? null : details.Max(d => d.NotAfter);

    /// <summary>Reads the details a token carries (its <c>authorization_details</c> claim), or null when it has none.</summary>
    /// <exception cref="JoseException">The claim is malformed.</exception>
    public static IReadOnlyList<MandateDetail>? FromClaims(JsonElement claims) =>
        claims.TryGetProperty("authorization_details", out var value) ? Read(value) : null;

    /// <summary>
    /// Why <paramref name="requested"/> grants more than <paramref name="granted"/>, or null when every requested detail
    /// lies inside one granted detail. Unrestricted (null) granted details cover everything.
    /// </summary>
    public static string? FindWidening(IReadOnlyList<MandateDetail>? granted, IReadOnlyList<MandateDetail> requested)
    {
        if (granted is null)
        {
            return null;
        }

        foreach (var detail in requested)
        {
            var reasons = granted.Select(detail.WiderThan).ToList();
            if (reasons.All(r => r is not null))
            {
                return "a requested `mandate` detail is wider than the subject token allows: " + reasons[0];
            }
        }

        return null;
    }

    /// <summary>Writes the details as the value of <paramref name="name"/>.</summary>
    public static void Write(Utf8JsonWriter writer, string name, IReadOnlyList<MandateDetail> details)
    {
        writer.WriteStartArray(name);
        foreach (var detail in details)
        {
            writer.WriteStartObject();
            writer.WriteString("type", MandateDetail.Type);
            WriteStrings(writer, "actions", detail.Actions);
            if (detail.Resources.Count > 0)
            {
                WriteStrings(writer, "resources", detail.Resources);
            }

            if (detail.Purpose is not null)
            {
                writer.WriteString("purpose", detail.Purpose);
            }

            if (detail.NotBefore is { } start)
            {
                writer.WriteString("not_before", Format(start));
            }

            if (detail.NotAfter is { } end)
            {
                writer.WriteString("not_after", Format(end));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The details as a JSON array, the form stored in the delegation graph.</summary>
    public static string ToJson(IReadOnlyList<MandateDetail> details)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            Write(writer, "d", details);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.GetProperty("d").GetRawText();
    }

    private static List<MandateDetail> Read(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw new JoseException("`authorization_details` must be a non-empty JSON array of objects");
        }

        if (array.GetArrayLength() > MaxDetails)
        {
            throw new JoseException($"at most {MaxDetails} authorization details are accepted");
        }

        var details = new List<MandateDetail>();
        foreach (var element in array.EnumerateArray())
        {
            details.Add(ReadOne(element));
        }

        return details;
    }

    private static MandateDetail ReadOne(JsonElement detail)
    {
        if (detail.ValueKind != JsonValueKind.Object)
        {
            throw new JoseException("each authorization detail must be a JSON object");
        }

        if (CompactJws.StringMember(detail, "type") is not { } type)
        {
            throw new JoseException("each authorization detail needs a string `type`");
        }

        if (type != MandateDetail.Type)
        {
            throw new JoseException($"authorization detail type `{Short(type)}` is not supported; use `{MandateDetail.Type}`");
        }

        foreach (var member in detail.EnumerateObject())
        {
            if (!Members.Contains(member.Name, StringComparer.Ordinal))
            {
                throw new JoseException($"a `{MandateDetail.Type}` detail has no member `{Short(member.Name)}`; use `actions`, `resources`, `purpose`, `not_before` and `not_after`");
            }
        }

        var actions = Terms(detail, "actions", DetailTerms.CanonicalAction, "an action name or a Cedar action reference such as `Mandate::Action::\"delegate\"`")
            ?? throw new JoseException("a `mandate` detail needs `actions`: the Cedar actions it grants");
        var resources = Terms(detail, "resources", DetailTerms.CanonicalResource, "a Cedar entity reference such as `Table::\"invoices\"` or an entity type such as `Table`") ?? [];
        var purpose = Purpose(detail);
        var start = Time(detail, "not_before", ceiling: true);
        var end = Time(detail, "not_after", ceiling: false);
        if (start is not null && end is not null && end <= start)
        {
            throw new JoseException("`not_after` must be later than `not_before`");
        }

        return new MandateDetail(actions, resources, purpose, start, end);
    }

    private static string[]? Terms(JsonElement detail, string name, Func<string, string?> canonical, string expected)
    {
        if (!detail.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() is 0 or > MaxTerms)
        {
            throw new JoseException($"`{name}` must be an array of 1 to {MaxTerms} strings");
        }

        var terms = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString()! : null;
            var term = text is null ? null : canonical(text);
            if (term is null)
            {
                throw new JoseException($"each of `{name}` must be {expected}; got `{Short(item.GetRawText())}`");
            }

            if (!terms.Contains(term, StringComparer.Ordinal))
            {
                terms.Add(term);
            }
        }

        return [.. terms];
    }

    private static string? Purpose(JsonElement detail)
    {
        if (!detail.TryGetProperty("purpose", out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= MaxPurposeLength } purpose && !purpose.Any(char.IsControl)
            ? purpose
            : throw new JoseException($"`purpose` must be a string of 1 to {MaxPurposeLength} characters without control characters");
    }

    private static DateTimeOffset? Time(JsonElement detail, string name, bool ceiling)
    {
        if (!detail.TryGetProperty(name, out var value))
        {
            return null;
        }

        // RFC 3339 date-time with a `T`, seconds and an explicit offset: the form both JSON APIs and Cedar `datetime` use.
        if (value.ValueKind != JsonValueKind.String
            || value.GetString() is not { Length: >= 20 and <= 40 } text
            || text[10] is not ('T' or 't')
            || !(text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-')
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new JoseException($"`{name}` must be an RFC 3339 date-time with an offset, such as `2026-01-31T23:00:00Z`");
        }

        var seconds = time.ToUnixTimeSeconds();
        var whole = DateTimeOffset.FromUnixTimeSeconds(seconds);
        // Rounding to whole seconds may only narrow the window: a start rounds up, an end rounds down.
        return ceiling && whole < time ? whole.AddSeconds(1) : whole;
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Short(string value) => value.Length <= 64 ? value : value[..61] + "...";

    private static (IReadOnlyList<MandateDetail>?, OAuthError?) Fail(string description) =>
        (null, OAuthError.InvalidAuthorizationDetails(description));
}
