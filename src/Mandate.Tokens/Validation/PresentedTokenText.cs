namespace Mandate.Tokens.Validation;

/// <summary>
/// The token one sender (a keep-alive connection) presented last, cut from its <c>Authorization</c> header. A server
/// such as Kestrel hands back the same header string while the header's bytes repeat, so an agent calling again and
/// again with one token costs no new copy of it (a token is about a kilobyte of text). Only the text is remembered: the
/// token is still validated on every request. One request at a time: not for connections that multiplex requests.
/// </summary>
public class PresentedTokenText
{
    private string? _header;
    private string? _token;

    /// <summary><see cref="AuthorizationHeader.Token"/> of the header, reusing the last cut when the header is the same.</summary>
    public string Token(string header, int tokenStart)
    {
        if (!string.Equals(header, _header, StringComparison.Ordinal))
        {
            _token = AuthorizationHeader.Token(header, tokenStart);
            _header = header;
        }

        return _token!;
    }
}
