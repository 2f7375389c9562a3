using System.Text;

namespace Mandate.Cedar.Schema;

/// <summary>The unique identifier of an action: its fully qualified action type and its id.</summary>
/// <param name="Type">The action entity type, <c>Action</c> or <c>Namespace::Action</c>.</param>
/// <param name="Id">The action's id.</param>
public readonly record struct ActionUid(string Type, string Id)
{
    /// <summary>Renders the identifier in Cedar syntax, such as <c>Action::"view"</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Type).Append("::\"");
        foreach (var c in Id)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\0':
                    text.Append("\\0");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        text.Append("\\u{").Append(((int)c).ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append('}');
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }
}
