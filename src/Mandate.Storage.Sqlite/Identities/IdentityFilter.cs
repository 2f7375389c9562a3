using System.Text;
using Mandate.Core.Identities;

namespace Mandate.Storage.Sqlite.Identities;

/// <summary>Builds the WHERE clause of an identity listing; values always travel as parameters.</summary>
internal static class IdentityFilter
{
    public static string Where(IdentityQuery query, string? afterId, List<(string, object?)> parameters)
    {
        var where = new StringBuilder("1 = 1");
        void Add(string clause, string name, object? value)
        {
            where.Append(" AND ").Append(clause);
            parameters.Add((name, value));
        }

        if (query.Kind is { } kind)
        {
            Add("kind = $kind", "$kind", kind.ToString());
        }

        if (query.Status is { } status)
        {
            Add("status = $status", "$status", status.ToString());
        }

        if (query.Owner is { } owner)
        {
            Add("owner = $owner", "$owner", owner);
        }

        if (query.Parent is { } parent)
        {
            Add("parent = $parent", "$parent", parent);
        }

        if (query.Environment is { } environment)
        {
            Add("environment = $environment", "$environment", environment);
        }

        if (query.LabelKey is { } labelKey)
        {
            Add("EXISTS (SELECT 1 FROM json_each(labels) WHERE key = $label_key AND ($label_value IS NULL OR value = $label_value))", "$label_key", labelKey);
            parameters.Add(("$label_value", query.LabelValue));
        }

        if (!string.IsNullOrEmpty(query.Search))
        {
            Add(@"(id LIKE $search ESCAPE '\' OR display_name LIKE $search ESCAPE '\')", "$search", "%" + EscapeLike(query.Search) + "%");
        }

        if (afterId is not null)
        {
            Add("id > $after", "$after", afterId);
        }

        return where.ToString();
    }

    /// <summary>Makes <c>%</c>, <c>_</c> and the escape character itself match literally.</summary>
    public static string EscapeLike(string value) =>
        value.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
}
