namespace CloudIngress.Providers.Aws.Clients;

/// <summary>Where and how to reach AWS: the region, an optional endpoint for every service, and limits.</summary>
public sealed record AwsSettings
{
    public required string Region { get; init; }

    /// <summary>One URL for ELBv2, EC2 and ACM (LocalStack, moto, a proxy); null means the regional AWS endpoints.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Client-side token buckets per operation; AWS's documented throttling by default.</summary>
    public AwsRateLimits RateLimits { get; init; } = AwsRateLimits.Aws;

    /// <summary>
    /// Calls per second a full read makes at most, on top of each operation's bucket, so a full
    /// resync leaves a share of the account's Describe budget (ELBv2: 10/s) to other tools; 0 for
    /// no further pacing.
    /// </summary>
    public double FullReadsPerSecond { get; init; } = 8;

    /// <summary>The buckets refill, and retries wait, on this clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public int MaxAttempts { get; init; } = 8;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>The three typed clients on one HttpClient, sharing one set of token buckets.</summary>
public sealed class AwsClients : IDisposable
{
    private readonly HttpClient _http;

    public AwsClients(AwsSettings settings, Func<CancellationToken, ValueTask<AwsCredentials>> credentials, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = settings.RequestTimeout;
        Settings = settings;
        var limiter = new AwsRateLimiter(settings.RateLimits, settings.Time);
        FullReadPace = settings.FullReadsPerSecond > 0 ? new TokenBucket(settings.FullReadsPerSecond, Math.Max(1, (int)settings.FullReadsPerSecond), settings.Time) : null;
        ElbV2 = new ElbV2Client(new AwsQueryClient(_http, Endpoint(settings, "elasticloadbalancing", ElbV2Client.ApiVersion), credentials, limiter)
        {
            MaxAttempts = settings.MaxAttempts,
            BaseDelay = settings.BaseDelay,
            Clock = settings.Time,
        });
        Ec2 = new Ec2Client(new AwsQueryClient(_http, Endpoint(settings, "ec2", Ec2Client.ApiVersion), credentials, limiter)
        {
            MaxAttempts = settings.MaxAttempts,
            BaseDelay = settings.BaseDelay,
            Clock = settings.Time,
        });
        Acm = new AcmClient(new AwsJsonClient(_http, Endpoint(settings, "acm", "2015-12-08"), AcmClient.TargetPrefix, credentials, limiter)
        {
            MaxAttempts = settings.MaxAttempts,
            BaseDelay = settings.BaseDelay,
            Clock = settings.Time,
        });
    }

    public AwsSettings Settings { get; }

    /// <summary>Paces a full read (<see cref="AwsSettings.FullReadsPerSecond"/>); null when it is not paced further.</summary>
    public TokenBucket? FullReadPace { get; }

    public ElbV2Client ElbV2 { get; }

    public Ec2Client Ec2 { get; }

    public AcmClient Acm { get; }

    /// <summary>Every call made so far, by <c>service:Operation</c>.</summary>
    public IReadOnlyDictionary<string, int> Calls =>
        new[] { ("elasticloadbalancing", ElbV2.Query.Calls), ("ec2", Ec2.Query.Calls), ("acm", Acm.Json.Calls) }
            .SelectMany(s => s.Item2.Select(c => (Key: $"{s.Item1}:{c.Key}", c.Value)))
            .ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

    /// <summary>Creates whose outcome a retry left uncertain, over the three clients (<see cref="AwsProtocolClient.UncertainCreates"/>).</summary>
    public int UncertainCreates => ElbV2.Query.UncertainCreates + Ec2.Query.UncertainCreates + Acm.Json.UncertainCreates;

    /// <summary>Calls that change something (everything but Describe*, List*, Get*).</summary>
    public static bool IsMutating(string operation)
    {
        var name = operation[(operation.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return !(name.StartsWith("Describe", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("Get", StringComparison.Ordinal));
    }

    public void Dispose() => _http.Dispose();

    private static AwsServiceEndpoint Endpoint(AwsSettings settings, string service, string version) =>
        new(service, version, settings.Endpoint ?? new Uri($"https://{service}.{settings.Region}.amazonaws.com/"), settings.Region);
}
