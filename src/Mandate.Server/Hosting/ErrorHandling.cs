using System.Text.Json;
using Mandate.Core.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Turns every failure into problem details: refusals keep their code, unreadable bodies become 400,
/// oversize bodies 413, and anything unexpected a logged 500 that reveals nothing internal.
/// </summary>
internal static partial class ErrorHandling
{
    public static void UseMandateErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = _ => StatusCodes.Status500InternalServerError,
            ExceptionHandler = WriteProblemAsync,
        });

        // A failure status with no body gets problem details. This is what UseStatusCodePages did, without the feature,
        // the Items dictionary and the awaiting frame it made on every request, answered or not: the decision endpoints
        // allocated a tenth of their bytes there.
        app.Use(next => context =>
        {
            var running = next(context);
            return running.IsCompletedSuccessfully ? ExplainEmptyFailureAsync(context) : ExplainEmptyFailureAfterAsync(running, context);
        });
    }

    private static async Task ExplainEmptyFailureAfterAsync(Task running, HttpContext context)
    {
        await running;
        await ExplainEmptyFailureAsync(context);
    }

    private static Task ExplainEmptyFailureAsync(HttpContext http)
    {
        var response = http.Response;
        var status = response.StatusCode;
        if (status is < 400 or >= 600 || response.HasStarted || response.ContentLength.HasValue || !string.IsNullOrEmpty(response.ContentType))
        {
            return Task.CompletedTask;
        }

        var code = status switch
        {
            404 => ErrorCode.NotFound,
            405 => "method_not_allowed",
            413 => "payload_too_large",
            415 => "unsupported_media_type",
            _ => "http_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var detail = status switch
        {
            404 => $"no endpoint at `{http.Request.Path}`",
            405 => $"`{http.Request.Method}` is not allowed on `{http.Request.Path}`",
            413 => "the request body is larger than the server accepts",
            415 => "send the body as `application/json`",
            _ => "the request could not be served",
        };
        return Results.Problem(Problems.Create(status, code, detail)).ExecuteAsync(http);
    }

    private static async Task WriteProblemAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var problem = Classify(error);
        if (problem.Status >= 500)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Mandate.Server.Errors");
            LogUnhandled(logger, error, context.Request.Method, context.Request.Path);
        }

        // The exception handler cleared the response headers; the correlation id must survive a failure.
        context.Response.Headers[RequestAudit.RequestIdHeader] = context.RequestId();
        context.Response.StatusCode = problem.Status!.Value;
        await Results.Problem(problem).ExecuteAsync(context);
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails Classify(Exception? error)
    {
        switch (error)
        {
            case MandateException refusal:
                return Problems.Create(Problems.StatusOf(refusal.Code), refusal.Code, refusal.Message, refusal.Field);
            case Authorization.PolicyBundleException bundle:
                var refused = Problems.Create(400, "invalid_bundle", bundle.Message, "bundle");
                refused.Extensions["errors"] = bundle.Problems.Select(p => new { file = p.File, line = p.Line, column = p.Column, message = p.Message }).ToArray();
                return refused;
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                return Problems.Create(413, "payload_too_large", "the request body is larger than the server accepts");
            case BadHttpRequestException bad:
                var inner = FindJsonError(bad);
                return inner is not null
                    ? Problems.Create(bad.StatusCode, ErrorCode.InvalidArgument, DescribeJson(inner), FieldOf(inner))
                    : Problems.Create(bad.StatusCode, ErrorCode.InvalidArgument, DescribeBinding(bad.Message));
            case JsonException json:
                return Problems.Create(400, ErrorCode.InvalidArgument, DescribeJson(json), json.Path);
            case InvalidOperationException { Source: JsonDataError } text:
                // Raised by the JSON reader for what the body holds: above all a string that is not valid UTF-8, or that
                // escapes half a surrogate pair, which passes as JSON until it is made into text.
                return Problems.Create(400, ErrorCode.InvalidArgument, $"the request body holds JSON that cannot be read: {Lower(FirstSentence(text.Message))}");
            default:
                return Problems.Create(500, "internal_error", "the server failed to handle the request; it has been logged");
        }
    }

    // The Source System.Text.Json gives the exceptions its reader raises when the data is not what it was asked to read
    // (invalid text, another type of token); its own serializer turns those into JsonException.
    private const string JsonDataError = "System.Text.Json.Rethrowable";

    private static JsonException? FindJsonError(Exception error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    // The serializer's messages name .NET types; say what is wrong in terms of the JSON the caller sent.
    private static string DescribeJson(JsonException error)
    {
        var field = FieldOf(error);
        var line = error.LineNumber is { } l ? $" (line {l + 1}, byte {error.BytePositionInLine + 1})" : string.Empty;
        var missing = MissingRequired().Match(error.Message);
        if (missing.Success)
        {
            return $"the request body is missing required member {missing.Groups[1].Value.Replace('\'', '`')}";
        }

        if (error.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return field is null
                ? $"the request body has the wrong shape{line}: expected a JSON object"
                : $"`{field}` has the wrong type or an unknown value{line}";
        }

        var where = field is null ? string.Empty : $" at `{field}`";
        return $"the request body is not valid JSON{where}{line}: {Lower(FirstSentence(error.Message))}";
    }

    private static string? FieldOf(JsonException error) =>
        string.IsNullOrEmpty(error.Path) || error.Path == "$" ? null : error.Path.StartsWith("$.", StringComparison.Ordinal) ? error.Path[2..] : error.Path;

    private static string DescribeBinding(string message)
    {
        var match = FailedBinding().Match(message);
        return match.Success
            ? $"parameter `{match.Groups[1].Value}` has an invalid value `{match.Groups[2].Value}`"
            : Lower(message);
    }

    [System.Text.RegularExpressions.GeneratedRegex("missing required properties including: (.+?)\\.?$")]
    private static partial System.Text.RegularExpressions.Regex MissingRequired();

    [System.Text.RegularExpressions.GeneratedRegex("parameter \"[^\"]* (\\w+)\" from \"(.*)\"")]
    private static partial System.Text.RegularExpressions.Regex FailedBinding();

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd('.');
    }

    private static string Lower(string message) =>
        message.Length == 0 ? message : char.ToLowerInvariant(message[0]) + message[1..].TrimEnd('.');

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "unhandled failure serving {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception? exception, string method, string path);
}
