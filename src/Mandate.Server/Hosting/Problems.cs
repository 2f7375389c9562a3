using Mandate.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Mandate.Server.Hosting;

/// <summary>RFC 9457 problem details for every error the admin and decision APIs return.</summary>
internal static class Problems
{
    private const string TypeBase = "https://mandate.dev/problems/";

    public static ProblemDetails Create(int status, string code, string detail, string? field = null)
    {
        var problem = new ProblemDetails
        {
            Type = TypeBase + code.Replace('_', '-'),
            Title = TitleOf(status),
            Status = status,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        return problem;
    }

    public static int StatusOf(string code) => code switch
    {
        ErrorCode.InvalidArgument => StatusCodes.Status400BadRequest,
        ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.Conflict or ErrorCode.VersionConflict => StatusCodes.Status409Conflict,
        ErrorCode.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        "unsupported_media_type" => StatusCodes.Status415UnsupportedMediaType,
        "invalid_bundle" => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static IResult From(MandateException error)
    {
        var status = StatusOf(error.Code);
        return TypedResults.Problem(Create(status, error.Code, error.Message, error.Field));
    }

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        _ => "Internal server error",
    };
}
