using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Aws;

/// <summary>
/// ELBv2, EC2 and ACM on one 127.0.0.1 endpoint for tests, speaking the real wire protocols (Query
/// with XML answers; JSON 1.1). The service and region come from the SigV4 credential scope, as a
/// real client sends them; the signature itself is not checked. Strict where AWS is strict, with
/// AWS's error codes, paged where AWS pages, and with faults on demand.
/// </summary>
public sealed class AwsEmulator : IAsyncDisposable
{
    private static readonly string[] MutatingPrefixes = ["Create", "Modify", "Delete", "Set", "Register", "Deregister", "Add", "Remove", "Import", "Authorize", "Revoke"];
    private readonly WebApplication _app;
    private readonly AwsState _state;
    private readonly Dictionary<string, IQueryService> _query;
    private readonly AcmService _acm;
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private int _mutatingCalls;

    private AwsEmulator(WebApplication app, AwsEmulatorOptions options)
    {
        _app = app;
        _state = new AwsState(options);
        _query = new(StringComparer.Ordinal) { ["elasticloadbalancing"] = new ElbV2Service(_state), ["ec2"] = new Ec2Service(_state) };
        _acm = new AcmService(_state);
    }

    public Uri Url { get; private set; } = null!;

    public string Region => _state.Options.Region;

    public string AccountId => _state.Options.AccountId;

    public AwsFaults Faults { get; } = new();

    /// <summary>Requests per <c>service:Action</c> (e.g. <c>elasticloadbalancing:CreateRule</c>), failed ones included.</summary>
    public IReadOnlyDictionary<string, int> Calls => new Dictionary<string, int>(_calls, StringComparer.Ordinal);

    /// <summary>Requests for creates, modifies, deletes, registrations, tags, imports and permission changes.</summary>
    public int MutatingCalls => Volatile.Read(ref _mutatingCalls);

    /// <summary>The seeded default VPC, if the account was not started empty.</summary>
    public string? DefaultVpcId => Read(s => s.Vpcs.Values.FirstOrDefault(v => v.IsDefault)?.Id);

    public static async Task<AwsEmulator> StartAsync(AwsEmulatorOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var emulator = new AwsEmulator(app, options ?? new AwsEmulatorOptions());
        if (emulator._state.Options.SeedDefaultVpc)
        {
            emulator.Write(AwsSeed.DefaultVpc);
        }

        app.Run(emulator.HandleAsync);
        await app.StartAsync();
        emulator.Url = new Uri(app.Urls.First());
        return emulator;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    public string AddVpc(string cidrBlock, bool isDefault = false) => Read(s => AwsSeed.AddVpc(s, cidrBlock, isDefault));

    public string AddSubnet(string vpcId, string availabilityZone, string cidrBlock, IReadOnlyDictionary<string, string>? tags = null, bool defaultForAz = false) =>
        Read(s => AwsSeed.AddSubnet(s, vpcId, availabilityZone, cidrBlock, defaultForAz, tags));

    public void AddInstance(string id, string privateDnsName, string availabilityZone) => Write(s => AwsSeed.AddInstance(s, id, privateDnsName, availabilityZone));

    /// <summary>An AMAZON_ISSUED certificate in status ISSUED, for certificate discovery; returns its ARN.</summary>
    public string AddIssuedCertificate(string domainName, params string[] subjectAlternativeNames) =>
        Read(s => AwsSeed.AddIssuedCertificate(s, _acm.NewArn(), domainName, subjectAlternativeNames));

    /// <summary>What DescribeTargetHealth reports for a registered target (healthy, unhealthy, draining, …).</summary>
    public void SetTargetHealth(string targetGroupArn, string targetId, string state, string? reason = null, int? port = null) =>
        Write(s => AwsSeed.SetTargetHealth(s, targetGroupArn, targetId, state, reason, port));

    public IReadOnlyList<LoadBalancer> LoadBalancers() => Read(AwsSnapshots.LoadBalancers);

    public IReadOnlyList<TargetGroup> TargetGroups() => Read(AwsSnapshots.TargetGroups);

    public IReadOnlyList<Certificate> Certificates() => Read(AwsSnapshots.Certificates);

    public IReadOnlyList<SecurityGroup> SecurityGroups() => Read(AwsSnapshots.SecurityGroups);

    public IReadOnlyList<Vpc> Vpcs() => Read(AwsSnapshots.Vpcs);

    public IReadOnlyList<Subnet> Subnets() => Read(AwsSnapshots.Subnets);

    /// <summary>Every tagged resource (EC2 id or ARN) with its tags.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> AllTags() => Read(AwsSnapshots.AllTags);

    private T Read<T>(Func<AwsState, T> read)
    {
        lock (_state.Lock)
        {
            return read(_state);
        }
    }

    private void Write(Action<AwsState> write)
    {
        lock (_state.Lock)
        {
            write(_state);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        var json = context.Request.ContentType?.StartsWith("application/x-amz-json", StringComparison.OrdinalIgnoreCase) == true;
        if (context.Request.Method != "POST" || context.Request.Path.Value is not (null or "" or "/"))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var scope = CredentialScope.Parse(context.Request.Headers.Authorization);
        var service = scope?.Service ?? (json ? "acm" : "elasticloadbalancing");
        var error = scope is null
            ? new AwsError(json ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken", "Request is missing Authentication Token", 403)
            : scope.Region != Region
                ? new AwsError(json ? "InvalidSignatureException" : "SignatureDoesNotMatch", $"Credential should be scoped to a valid region, not '{scope.Region}'.")
                : null;
        if (service == "acm")
        {
            await HandleJsonAsync(context, error, requestId);
        }
        else if (_query.TryGetValue(service, out var query))
        {
            await HandleQueryAsync(context, service, query, error, requestId);
        }
        else
        {
            await WriteAsync(context, 400, "text/xml", _query["elasticloadbalancing"].Error(new AwsError("InvalidAction", $"Service '{service}' is not emulated"), requestId), requestId);
        }
    }

    private async Task HandleQueryAsync(HttpContext context, string service, IQueryService query, AwsError? error, string requestId)
    {
        var form = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal)
            : [];
        var action = form.GetValueOrDefault("Action") ?? string.Empty;
        error ??= action.Length == 0 ? new AwsError("MissingAction", "The request must contain the parameter Action")
            : !query.Knows(action) ? new AwsError("InvalidAction", $"The action {action} is not valid for this web service.")
            : form.GetValueOrDefault("Version") != query.Version ? new AwsError("InvalidAction", $"Could not find operation {action} for version {form.GetValueOrDefault("Version")}")
            : null;
        var (status, body) = error is not null
            ? (error.Status, query.Error(error, requestId))
            : await RunAsync(service, action, () => query.Success(action, query.Handle(action, query.Params(form)).ToList(), requestId), e => query.Error(e, requestId));
        await WriteAsync(context, status, "text/xml", body, requestId);
    }

    private async Task HandleJsonAsync(HttpContext context, AwsError? error, string requestId)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target.StartsWith("CertificateManager.", StringComparison.Ordinal) ? target["CertificateManager.".Length..] : string.Empty;
        JsonObject? body = null;
        try
        {
            var node = context.Request.ContentLength is 0 ? null : await JsonNode.ParseAsync(context.Request.Body);
            body = node as JsonObject ?? (node is null ? [] : null);
        }
        catch (JsonException)
        {
        }

        error ??= !_acm.Knows(operation) ? new AwsError("UnknownOperationException", $"Operation '{target}' is not supported")
            : body is null ? new AwsError("SerializationException", "The request body is not a JSON object")
            : null;
        var (status, text) = error is not null
            ? (error.Status, AcmService.Error(error))
            : await RunAsync("acm", operation, () => _acm.Handle(operation, body!).ToJsonString(), AcmService.Error);
        await WriteAsync(context, status, "application/x-amz-json-1.1", text, requestId);
    }

    /// <summary>Counts the call, applies any fault, and runs the operation under the one state lock.</summary>
    private async Task<(int Status, string Body)> RunAsync(string service, string action, Func<string> run, Func<AwsError, string> error)
    {
        _calls.AddOrUpdate($"{service}:{action}", 1, (_, n) => n + 1);
        if (MutatingPrefixes.Any(p => action.StartsWith(p, StringComparison.Ordinal)))
        {
            Interlocked.Increment(ref _mutatingCalls);
        }

        var (delay, fault, faultStatus) = Faults.Next(service, action);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _state.Options.Time);
        }

        if (fault is FaultKind.Throttle or FaultKind.FailBefore)
        {
            var failure = AwsFaults.ErrorFor(service, fault.Value, faultStatus);
            return (failure.Status, error(failure));
        }

        string body;
        try
        {
            lock (_state.Lock)
            {
                body = run();
            }
        }
        catch (AwsError e)
        {
            return (e.Status, error(e));
        }

        if (fault is FaultKind.FailAfter)
        {
            var lost = AwsFaults.ErrorFor(service, fault.Value, faultStatus);
            return (lost.Status, error(lost));
        }

        return (200, body);
    }

    private static async Task WriteAsync(HttpContext context, int status, string contentType, string body, string requestId)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        await context.Response.WriteAsync(body);
    }
}
