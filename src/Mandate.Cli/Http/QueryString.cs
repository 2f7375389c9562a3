using System.Text;

namespace Mandate.Cli.Http;

/// <summary>Builds a URL query from the options a user set, skipping the unset ones.</summary>
internal sealed class QueryString
{
    private readonly StringBuilder _text = new();

    public QueryString Add(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _text.Append(_text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return this;
    }

    public override string ToString() => _text.ToString();

    public static implicit operator string(QueryString query) => query.ToString();
}
