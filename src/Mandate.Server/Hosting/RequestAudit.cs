using System.Security.Claims;
using Mandate.Core.Events;
using Mandate.Server.Security;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Hosting;

/// <summary>Derives the <see cref="AuditContext"/> of a request: caller, address, user agent, correlation id.</summary>
internal static class RequestAudit
{
    public const string RequestIdHeader = "X-Request-ID";

    public static AuditContext Audit(this HttpContext context)
    {
        string subject;
        string? kind;
        if (context.AccessToken() is { } token)
        {
            // An identity caller: its claims were made from this token, so read it rather than scan them.
            (subject, kind) = (token.Subject, token.SubjectKind);
        }
        else
        {
            var user = context.User;
            subject = user.FindFirstValue(MandateClaims.Subject) ?? "anonymous";
            kind = user.FindFirstValue(MandateClaims.Role) == MandateClaims.AdminRole ? "admin" : user.FindFirstValue(MandateClaims.Kind);
        }

        return new AuditContext(subject, kind, context.Connection.RemoteIpAddress?.ToString(),
            Truncate(context.Request.Headers.UserAgent.ToString()), context.RequestId());
    }

    public static string RequestId(this HttpContext context)
    {
        var supplied = context.Request.Headers[RequestIdHeader].ToString();
        return supplied.Length is > 0 and <= 128 && IsVisibleAscii(supplied) ? supplied : context.TraceIdentifier;
    }

    // On every request: a loop, not LINQ over the string.
    private static bool IsVisibleAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is <= ' ' or >= '\u007f')
            {
                return false;
            }
        }

        return true;
    }

    private static string? Truncate(string value) => value.Length == 0 ? null : value.Length <= 256 ? value : value[..256];
}
