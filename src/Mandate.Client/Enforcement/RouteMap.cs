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

        var template = TemplateParser.Parse(rule.Path.TrimStart('/'));
        return new CompiledRule(
            rule.Method == "*" ? null : rule.Method,
            new TemplateMatcher(template, new RouteValueDictionary()),
            rule.Action,
            resourceType,
            rule.Resource[(separator + 3)..^1]);
    }

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
