using Azure.Core;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Azure.Arm;

/// <summary>Sending one request, reading ARM's errors, and polling long-running operations.</summary>
public sealed partial class ArmRestClient
{
    private async Task<HttpMessage> SendAsync(RequestMethod method, Uri uri, RequestContent? content, string? ifMatch, string operation, CancellationToken ct, bool allowNotFound = false)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add("Accept", "application/json");
        if (content is not null)
        {
            message.Request.Headers.Add("Content-Type", "application/json");
            message.Request.Content = content;
        }

        if (ifMatch is not null)
        {
            message.Request.Headers.Add("If-Match", ifMatch);
        }

        _calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        try
        {
            await _pipeline.SendAsync(message, ct).ConfigureAwait(false);
        }
        catch
        {
            message.Dispose();
            throw;
        }

        var status = message.Response.Status;
        if (status is >= 200 and < 300 || (allowNotFound && status == 404))
        {
            return message;
        }

        var error = Error(Json(message.Response));
        message.Dispose();
        throw new ArmException(status, error.Code, error.Message, uri.AbsolutePath);
    }

    /// <summary>
    /// Polls an <c>Azure-AsyncOperation</c> (a status body) or <c>Location</c> (202 until done) URL
    /// until the operation ends, waiting <c>Retry-After</c> between polls on the injected clock.
    /// </summary>
    private async Task PollAsync(Uri uri, string resource, CancellationToken ct)
    {
        for (var poll = 1; poll <= _settings.MaxPolls; poll++)
        {
            using var message = await SendAsync(RequestMethod.Get, uri, null, null, "Operations_Get", ct, allowNotFound: true);
            var response = message.Response;
            if (response.Status == 404)
            {
                return;
            }

            if (response.Status != 202)
            {
                var body = Json(response);
                var status = body["status"]?.GetValue<string>();
                if (status is null or "Succeeded")
                {
                    return;
                }

                if (status is "Failed" or "Canceled")
                {
                    var error = Error(body);
                    throw new ArmException(200, error.Code, $"the operation {status.ToLowerInvariant()}: {error.Message}", resource);
                }
            }

            await Task.Delay(ArmRetryPolicy.RetryAfter(response, _settings.Time) ?? _settings.PollInterval, _settings.Time, ct).ConfigureAwait(false);
        }

        throw new ArmException(0, "OperationTimedOut", $"still running after {_settings.MaxPolls} polls", resource);
    }

    private static (string Code, string Message) Error(JsonObject body) =>
        body["error"] is JsonObject error
            ? (error["code"]?.GetValue<string>() ?? "Unknown", error["message"]?.GetValue<string>() ?? string.Empty)
            : ("Unknown", "no error body");
}
