using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Mandate.Client.Enforcement;

/// <summary>The compiled <see cref="MandateEnforcementOptions.Routes"/>: finds the action and resource of a request.</summary>
internal sealed class RouteMap
{
    private readonly CompiledRule[] _rules;

    public RouteMap(IEnumerable<RouteRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules.Select(Compile)];
    }

    /// <summary>The action and resource of a request, or null when no rule matches.</summary>
    public MappedRequest? Map(string method, PathString path)
    {
        foreach (var rule in _rules)
        {
            if (rule.Method is not null && !string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var values = new RouteValueDictionary();
            if (rule.Matcher.TryMatch(path, values))
            {
                return new MappedRequest(Fill(rule.Action, values), rule.ResourceType, Fill(rule.ResourceId, values));
            }
        }

        return null;
    }

    private static CompiledRule Compile(RouteRule rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Path) || string.IsNullOrWhiteSpace(rule.Action) || string.IsNullOrWhiteSpace(rule.Resource))
        {
            throw new ArgumentException($"route rule `{rule.Method} {rule.Path}` needs a path, an action and a resource");
        }

        var separator = rule.Resource.IndexOf("::\"", StringComparison.Ordinal);
        if (separator <= 0 || !rule.Resource.EndsWith('"'))
        {
            throw new ArgumentException($"route rule `{rule.Method} {rule.Path}`: resource `{rule.Resource}` must look like `Type::\"{{id}}\"`");
        }

        var resourceType = rule.Resource[..separator];
        try
        {
            Cedar.Syntax.CedarParser.ParseName(resourceType);
        }
        catch (Cedar.Syntax.CedarParseException)
        {
            throw new ArgumentException($"route rule `{rule.Method} {rule.Path}`: `{resourceType}` is not a Cedar entity type name");
        }

        if (rule.Method != "*" && (rule.Method.Length == 0 || !rule.Method.All(IsTokenChar)))
        {
            throw new ArgumentException($"route rule `{rule.Method} {rule.Path}`: the method must be an HTTP method such as GET, or `*` for any");
        }

        RouteTemplate template;
        try
        {
            template = TemplateParser.Parse(rule.Path.TrimStart('/'));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"route rule `{rule.Method} {rule.Path}`: the path is not a route template: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
        }

        // Every value the action and the resource id name must be one the path captures: otherwise it would be filled
        // with nothing, on every request.
        var captured = template.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (text, part) in new[] { (rule.Action, "action"), (rule.Resource[(separator + 3)..^1], "resource id") })
        {
            foreach (var name in Placeholders(text, rule, part))
            {
                if (!captured.Contains(name))
                {
                    throw new ArgumentException($"route rule `{rule.Method} {rule.Path}`: the {part} names `{{{name}}}`, which the path does not capture");
                }
            }
        }

        return new CompiledRule(
            rule.Method == "*" ? null : rule.Method,
            new TemplateMatcher(template, new RouteValueDictionary()),
            rule.Action,
            resourceType,
            rule.Resource[(separator + 3)..^1]);
    }

    // The names of the `{name}` placeholders in an action or resource id (a leading `*` of a catch-all is not part of it).
    private static IEnumerable<string> Placeholders(string text, RouteRule rule, string part)
    {
        for (var at = text.IndexOf('{', StringComparison.Ordinal); at >= 0; at = text.IndexOf('{', at))
        {
            var close = text.IndexOf('}', at);
            if (close < 0)
            {
                throw new ArgumentException($"route rule `{rule.Method} {rule.Path}`: the {part} `{text}` opens a `{{` it does not close");
            }

            yield return text[(at + 1)..close].TrimStart('*');
            at = close + 1;
        }
    }

    // RFC 9110 token characters, which an HTTP method is made of.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static string Fill(string text, RouteValueDictionary values)
    {
        if (!text.Contains('{', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16);
        var at = 0;
        while (at < text.Length)
        {
            var open = text.IndexOf('{', at);
            var close = open < 0 ? -1 : text.IndexOf('}', open);
            if (open < 0 || close < 0)
            {
                result.Append(text, at, text.Length - at);
                break;
            }

            result.Append(text, at, open - at);
            var name = text[(open + 1)..close].TrimStart('*');
            result.Append(values.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : string.Empty);
            at = close + 1;
        }

        return result.ToString();
    }

    private sealed record CompiledRule(string? Method, TemplateMatcher Matcher, string Action, string ResourceType, string ResourceId);
}

/// <summary>What a request asks to do: an action on a resource.</summary>
internal sealed record MappedRequest(string Action, string ResourceType, string ResourceId);
