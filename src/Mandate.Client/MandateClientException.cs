namespace Mandate.Client;

/// <summary>A Mandate server could not be used as asked: unreachable, refused, or answered with something unexpected.</summary>
public sealed class MandateClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MandateClientException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public MandateClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MandateClientException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
