using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>Where one service lives and how it is called.</summary>
public sealed record AwsServiceEndpoint(string Service, string ApiVersion, Uri Url, string Region);

/// <summary>
/// The AWS Query protocol (ELBv2, EC2): <c>POST</c> of a form with <c>Action</c>, <c>Version</c>
/// and the parameters (lists as <c>Name.member.N</c>), signed with SigV4; the answer is XML.
/// Errors become <see cref="AwsServiceException"/>; throttling and 5xx are retried with
/// exponential backoff and full jitter; calls pass a per-service <see cref="TokenBucket"/> first.
/// </summary>
public sealed class AwsQueryClient(HttpClient http, AwsServiceEndpoint endpoint, Func<CancellationToken, ValueTask<AwsCredentials>> credentials, TokenBucket bucket)
{
    public int MaxAttempts { get; init; } = 8;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Calls per operation name, for "API calls by operation" reports.</summary>
    public IReadOnlyDictionary<string, int> Calls => _calls;

    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);

    /// <summary>Calls <paramref name="action"/> and returns the <c>&lt;ActionResult&gt;</c> element (namespaces stripped).</summary>
    public async Task<XElement> CallAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", endpoint.ApiVersion) };
        form.AddRange(parameters);
        var body = string.Join('&', form.Select(p => $"{SigV4.Encode(p.Key)}={SigV4.Encode(p.Value)}"));
        for (var attempt = 1; ; attempt++)
        {
            await bucket.TakeAsync(cancellationToken);
            lock (_calls)
            {
                _calls[action] = _calls.GetValueOrDefault(action) + 1;
            }

            AwsServiceException failure;
            try
            {
                using var request = await SignedRequestAsync(body, cancellationToken);
                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    var root = Strip(XDocument.Parse(text).Root!);
                    return root.Element(action + "Result") ?? root;
                }

                failure = Error(action, response.StatusCode, text);
            }
            catch (HttpRequestException e) when (attempt < MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                failure = new AwsServiceException(endpoint.Service, action, HttpStatusCode.ServiceUnavailable, "ConnectionFailure", e.Message, null);
            }

            if (!failure.IsRetryable || attempt >= MaxAttempts)
            {
                throw failure;
            }

            // Full jitter: spreads retries of many callers throttled at the same moment.
            var cap = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap), Clock, cancellationToken);
        }
    }

    /// <summary>Adds <c>Name.member.1..N</c> parameters, the Query protocol's lists.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Members(string name, IEnumerable<string> values) =>
        values.Select((v, i) => new KeyValuePair<string, string>($"{name}.member.{(i + 1).ToString(CultureInfo.InvariantCulture)}", v));

    private async Task<HttpRequestMessage> SignedRequestAsync(string body, CancellationToken cancellationToken)
    {
        var creds = await credentials(cancellationToken);
        var now = Clock.GetUtcNow();
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new ByteArrayContent(bytes) { Headers = { { "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" } } },
        };
        var host = endpoint.Url.IsDefaultPort ? endpoint.Url.Host : $"{endpoint.Url.Host}:{endpoint.Url.Port}";
        var signed = new List<KeyValuePair<string, string>>
        {
            new("host", host),
            new("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
            new("x-amz-date", SigV4.AmzDate(now)),
        };
        if (creds.SessionToken is { } token)
        {
            signed.Add(new("x-amz-security-token", token));
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        request.Headers.TryAddWithoutValidation("X-Amz-Date", SigV4.AmzDate(now));
        request.Headers.TryAddWithoutValidation("Authorization",
            SigV4.Authorization("POST", endpoint.Url, signed, SigV4.PayloadHash(bytes), creds, endpoint.Region, endpoint.Service, now));
        return request;
    }

    /// <summary>ELBv2's <c>ErrorResponse/Error</c> and EC2's <c>Response/Errors/Error</c>; anything else keeps its status.</summary>
    private AwsServiceException Error(string action, HttpStatusCode status, string text)
    {
        try
        {
            var root = Strip(XDocument.Parse(text).Root!);
            var error = root.Descendants("Error").FirstOrDefault();
            var requestId = (string?)root.Element("RequestId") ?? (string?)root.Element("RequestID");
            if (error is not null)
            {
                return new AwsServiceException(endpoint.Service, action, status, (string?)error.Element("Code") ?? status.ToString(),
                    (string?)error.Element("Message") ?? string.Empty, requestId);
            }
        }
        catch (System.Xml.XmlException)
        {
            // not XML (a proxy's error page): report the status
        }

        return new AwsServiceException(endpoint.Service, action, status, ((int)status).ToString(CultureInfo.InvariantCulture), $"HTTP {(int)status} without an AWS error body", null);
    }

    private static XElement Strip(XElement element)
    {
        foreach (var e in element.DescendantsAndSelf())
        {
            e.Name = e.Name.LocalName;
            e.ReplaceAttributes(e.Attributes().Where(a => !a.IsNamespaceDeclaration));
        }

        return element;
    }
}
