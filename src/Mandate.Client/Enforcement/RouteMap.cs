using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

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
            if (rule.Matcher.TryMatch(path, values) && rule.Accepts(values))
            {
                return new MappedRequest(rule.Action.Fill(values), rule.ResourceType, rule.ResourceId.Fill(values));
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
        var action = Placeholders.Parse(rule.Action, rule, "action");
        var resourceId = Placeholders.Parse(rule.Resource[(separator + 3)..^1], rule, "resource id");
        foreach (var (text, part) in new[] { (action, "action"), (resourceId, "resource id") })
        {
            foreach (var name in text.Names)
            {
                if (!captured.Contains(name))
                {
                    throw new ArgumentException($"route rule `{rule.Method} {rule.Path}`: the {part} names `{{{name}}}`, which the path does not capture");
                }
            }
        }

        // Inline defaults fill what an optional segment leaves out, and inline constraints (`{id:int}`) decide whether
        // the rule matches at all, as they do in the service's own routing: a rule that ignored them would map
        // `/invoices/export` to `read Invoice::"export"` where the service routes it to its export endpoint.
        var defaults = new RouteValueDictionary();
        var constraints = new List<(string Name, IRouteConstraint Constraint)>();
        foreach (var parameter in template.Parameters)
        {
            if (parameter.DefaultValue is not null)
            {
                defaults[parameter.Name!] = parameter.DefaultValue;
            }

            foreach (var inline in parameter.InlineConstraints)
            {
                var constraint = ResolveConstraint(inline.Constraint)
                    ?? throw new ArgumentException($"route rule `{rule.Method} {rule.Path}`: `{inline.Constraint}` is not a route constraint");
                constraints.Add((parameter.Name!, constraint));
            }
        }

        return new CompiledRule(
            rule.Method == "*" ? null : rule.Method,
            new TemplateMatcher(template, defaults),
            [.. constraints],
            action,
            resourceType,
            resourceId);
    }

    // ASP.NET Core's own constraints (int, guid, alpha, length(..), regex(..), ...), resolved as its routing does.
    private static readonly Lazy<IInlineConstraintResolver> Constraints = new(() =>
        new ServiceCollection().AddRouting().BuildServiceProvider().GetRequiredService<IInlineConstraintResolver>());

    private static IRouteConstraint? ResolveConstraint(string text)
    {
        try
        {
            return Constraints.Value.ResolveConstraint(text);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or RouteCreationException)
        {
            return null;
        }
    }

    // RFC 9110 token characters, which an HTTP method is made of.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    /// <summary>
    /// An action or resource id with its <c>{name}</c> placeholders found once, when the rule is compiled, and filled from
    /// each request's route values (a leading <c>*</c> of a catch-all is not part of the name).
    /// </summary>
    private sealed class Placeholders
    {
        // The text before each placeholder, then the text after the last one: one more than there are names.
        private readonly string[] _literals;

        private Placeholders(string[] literals, string[] names)
        {
            _literals = literals;
            Names = names;
        }

        public string[] Names { get; }

        public static Placeholders Parse(string text, RouteRule rule, string part)
        {
            var literals = new List<string>();
            var names = new List<string>();
            var at = 0;
            for (var open = text.IndexOf('{', StringComparison.Ordinal); open >= 0; open = text.IndexOf('{', at))
            {
                var close = text.IndexOf('}', open);
                if (close < 0)
                {
                    throw new ArgumentException($"route rule `{rule.Method} {rule.Path}`: the {part} `{text}` opens a `{{` it does not close");
                }

                literals.Add(text[at..open]);
                names.Add(text[(open + 1)..close].TrimStart('*'));
                at = close + 1;
            }

            literals.Add(text[at..]);
            return new Placeholders([.. literals], [.. names]);
        }

        public string Fill(RouteValueDictionary values)
        {
            if (Names.Length == 0)
            {
                return _literals[0];
            }

            var result = new StringBuilder(_literals[0], 64);
            for (var i = 0; i < Names.Length; i++)
            {
                result.Append(values.TryGetValue(Names[i], out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : string.Empty);
                result.Append(_literals[i + 1]);
            }

            return result.ToString();
        }
    }

    private sealed record CompiledRule(
        string? Method, TemplateMatcher Matcher, (string Name, IRouteConstraint Constraint)[] Constraints, Placeholders Action, string ResourceType, Placeholders ResourceId)
    {
        // Every constraint holds for its value; an optional segment that is absent has none to check.
        public bool Accepts(RouteValueDictionary values)
        {
            foreach (var (name, constraint) in Constraints)
            {
                if (values.TryGetValue(name, out var value) && value is not null
                    && !constraint.Match(null, null, name, values, RouteDirection.IncomingRequest))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>What a request asks to do: an action on a resource.</summary>
internal sealed record MappedRequest(string Action, string ResourceType, string ResourceId);
