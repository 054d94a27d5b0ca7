using k8s.Autorest;
using System.Net;

namespace CloudIngress.Kubernetes.Client;

/// <summary>What an API failure means to the controller, read from the package's exceptions.</summary>
public static class ApiErrors
{
    public static HttpStatusCode? Status(Exception e) => e is HttpOperationException { Response: { } response } ? response.StatusCode : null;

    public static bool IsNotFound(Exception e) => Status(e) == HttpStatusCode.NotFound;

    public static bool IsConflict(Exception e) => Status(e) == HttpStatusCode.Conflict;

    /// <summary>A failure of the API itself (an error status, an unreachable server, a timeout), not a bug of ours.</summary>
    public static bool IsApiFailure(Exception e) => e is HttpOperationException or HttpRequestException or TaskCanceledException or System.Text.Json.JsonException;

    /// <summary>One line for the log: the status and the Status message, never the request (which may carry a Secret).</summary>
    public static string Describe(Exception e)
    {
        if (e is not HttpOperationException { Response: { } response })
        {
            return e.Message;
        }

        try
        {
            var status = k8s.KubernetesJson.Deserialize<k8s.Models.V1Status>(response.Content ?? string.Empty);
            return $"{(int)response.StatusCode} {status.Reason}: {status.Message}";
        }
        catch (System.Text.Json.JsonException)
        {
            return $"the API server answered {(int)response.StatusCode}";
        }
    }
}
