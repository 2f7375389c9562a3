using Mandate.Tokens.Validation;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Mandate.Client.Enforcement;

/// <summary>
/// The token text a keep-alive connection presented last, cut from its <c>Authorization</c> header. Kestrel hands the
/// same header string back while the header's bytes repeat, so an agent calling again and again with one token costs
/// no new copy of it (a token is about a kilobyte of text). Only the text is remembered: the token is still validated,
/// and decided on, for every request.
/// </summary>
internal sealed class PresentedToken
{
    private static readonly object Key = new();
    private string? _header;
    private string? _token;

    /// <summary>The token of a header <see cref="AuthorizationHeader.TryParse"/> accepted, reusing the connection's last cut.</summary>
    public static string Of(HttpContext context, string header, int tokenStart)
    {
        // HTTP/2 and HTTP/3 serve requests of one connection at once: the memory is for HTTP/1.x, one request at a time.
        if (context.Features.Get<IConnectionItemsFeature>()?.Items is not { } items
            || !(HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)))
        {
            return AuthorizationHeader.Token(header, tokenStart);
        }

        if (!items.TryGetValue(Key, out var found) || found is not PresentedToken memory)
        {
            memory = new PresentedToken();
            items[Key] = memory;
        }

        if (memory._token is null || !string.Equals(header, memory._header, StringComparison.Ordinal))
        {
            memory._token = AuthorizationHeader.Token(header, tokenStart);
            memory._header = header;
        }

        return memory._token;
    }
}
