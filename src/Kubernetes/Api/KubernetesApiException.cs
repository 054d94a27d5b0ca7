using System.Net;

namespace CloudIngress.Kubernetes.Api;

/// <summary>The API server answered with a failure Status; <see cref="Reason"/> is its reason word (NotFound, Conflict…).</summary>
public class KubernetesApiException(HttpStatusCode status, string reason, string message) : Exception(message)
{
    public HttpStatusCode Status => status;

    public string Reason => reason;

    public bool IsNotFound => status == HttpStatusCode.NotFound;
}

/// <summary>409 on an update: the object changed since it was read; read it again and retry.</summary>
public sealed class ConflictException(string reason, string message) : KubernetesApiException(HttpStatusCode.Conflict, reason, message);

/// <summary>410 Gone: the resourceVersion is too old to watch from; list again.</summary>
public sealed class ResourceExpiredException(string message) : KubernetesApiException(HttpStatusCode.Gone, "Expired", message);
