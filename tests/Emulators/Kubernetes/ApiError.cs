using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Kubernetes;

/// <summary>A failure the API server reports as a <c>Status</c> object, with the real server's reasons.</summary>
public sealed class ApiError(int code, string reason, string message) : Exception(message)
{
    public int Code => code;

    public string Reason => reason;

    public JsonObject ToStatus() => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = Message,
        ["reason"] = reason,
        ["code"] = code,
    };

    public static ApiError NotFound(ApiResource resource, string name) => new(404, "NotFound", $"{resource.Plural}.{resource.Group} \"{name}\" not found".Replace(". \"", " \"", StringComparison.Ordinal));

    public static ApiError AlreadyExists(ApiResource resource, string name) => new(409, "AlreadyExists", $"{resource.Plural} \"{name}\" already exists");

    public static ApiError Conflict(ApiResource resource, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource.Plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");

    public static ApiError Gone(long resourceVersion) => new(410, "Expired", $"too old resource version: {resourceVersion}");

    public static ApiError Invalid(string message) => new(422, "Invalid", message);

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);
}
