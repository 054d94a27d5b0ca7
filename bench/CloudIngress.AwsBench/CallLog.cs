using System.Collections.Concurrent;

namespace CloudIngress.AwsBench;

/// <summary>Every request the provider sends, as <c>service:Operation</c> in order: what the rate replay needs.</summary>
internal sealed class CallLog() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentQueue<string> _calls = new();

    /// <summary>Takes the calls logged since the last take.</summary>
    public List<string> Take()
    {
        var taken = new List<string>();
        while (_calls.TryDequeue(out var call))
        {
            taken.Add(call);
        }

        return taken;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The credential scope of SigV4 names the service: .../us-east-1/elasticloadbalancing/aws4_request.
        var authorization = request.Headers.TryGetValues("Authorization", out var values) ? values.First() : string.Empty;
        var scope = authorization.Split("Credential=").Last().Split(',')[0].Split('/');
        var service = scope.Length > 3 ? scope[3] : "?";
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var operation = request.Headers.TryGetValues("X-Amz-Target", out var target)
            ? target.First().Split('.').Last()
            : body.Split('&').FirstOrDefault(p => p.StartsWith("Action=", StringComparison.Ordinal))?["Action=".Length..] ?? "?";
        _calls.Enqueue($"{service}:{operation}");
        return await base.SendAsync(request, cancellationToken);
    }
}
