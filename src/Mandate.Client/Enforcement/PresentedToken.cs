using Mandate.Tokens.Validation;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Mandate.Client.Enforcement;

/// <summary>The token a request presents, cut once per keep-alive connection while it repeats (<see cref="PresentedTokenText"/>).</summary>
internal static class PresentedToken
{
    private static readonly object Key = new();

    /// <summary>The token of a header <see cref="AuthorizationHeader.TryParse"/> accepted, reusing the connection's last cut.</summary>
    public static string Of(HttpContext context, string header, int tokenStart)
    {
        // HTTP/2 and HTTP/3 serve requests of one connection at once: the memory is for HTTP/1.x, one request at a time.
        if (context.Features.Get<IConnectionItemsFeature>()?.Items is not { } items
            || !(HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)))
        {
            return AuthorizationHeader.Token(header, tokenStart);
        }

        if (!items.TryGetValue(Key, out var found) || found is not PresentedTokenText memory)
        {
            memory = new PresentedTokenText();
            items[Key] = memory;
        }

        return memory.Token(header, tokenStart);
    }
}
