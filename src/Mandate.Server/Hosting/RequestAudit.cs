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
        var (subject, kind) = context.Caller();
        return new AuditContext(subject, kind, context.SourceIp(), context.UserAgent(), context.RequestId());
    }

    /// <summary>Who is calling (the identity, <c>admin</c> or <c>anonymous</c>) and, when known, of what kind.</summary>
    public static (string Subject, string? Kind) Caller(this HttpContext context)
    {
        if (context.AccessToken() is { } token)
        {
            // An identity caller: its claims were made from this token, so read it rather than scan them.
            return (token.Subject, token.SubjectKind);
        }

        var user = context.User;
        return (user.FindFirstValue(MandateClaims.Subject) ?? "anonymous",
            user.FindFirstValue(MandateClaims.Role) == MandateClaims.AdminRole ? "admin" : user.FindFirstValue(MandateClaims.Kind));
    }

    /// <summary>The caller's address.</summary>
    public static string? SourceIp(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    /// <summary>The caller's user agent, cut to 256 characters; null when it sent none.</summary>
    public static string? UserAgent(this HttpContext context) => Truncate(context.Request.Headers.UserAgent.ToString());

    /// <summary>The caller's <c>X-Request-ID</c> when it is one to take as it is (<see cref="RequestIds"/>), else the trace id.</summary>
    public static string RequestId(this HttpContext context)
    {
        var supplied = context.Request.Headers[RequestIdHeader].ToString();
        return RequestIds.IsAcceptable(supplied) ? supplied : context.TraceIdentifier;
    }

    private static string? Truncate(string value) => value.Length == 0 ? null : value.Length <= 256 ? value : value[..256];
}
