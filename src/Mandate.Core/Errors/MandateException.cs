namespace Mandate.Core.Errors;

/// <summary>A refusal with a stable <see cref="ErrorCode"/> and a message a user can act on.</summary>
public sealed class MandateException : Exception
{
    /// <summary>Creates a refusal.</summary>
    /// <param name="code">One of <see cref="ErrorCode"/>.</param>
    /// <param name="message">Lower-case, actionable, user input in backticks.</param>
    /// <param name="field">The input field at fault, if one is.</param>
    public MandateException(string code, string message, string? field = null)
        : base(message)
    {
        Code = code;
        Field = field;
    }

    /// <summary>Stable machine-readable code.</summary>
    public string Code { get; }

    /// <summary>The input field at fault, if any.</summary>
    public string? Field { get; }

    /// <summary>Creates a <see cref="ErrorCode.NotFound"/> refusal for an object kind and id.</summary>
    public static MandateException NotFound(string what, string id) =>
        new(ErrorCode.NotFound, $"{what} `{id}` does not exist");

    /// <summary>Creates an <see cref="ErrorCode.InvalidArgument"/> refusal for a field.</summary>
    public static MandateException Invalid(string field, string message) =>
        new(ErrorCode.InvalidArgument, message, field);
}
