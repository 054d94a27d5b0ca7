using CloudIngress.Providers.Aws.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Text;

namespace CloudIngress.Providers.Aws.Tests.Clients;

/// <summary>The Query protocol over a real socket: signing, form encoding, XML results, errors and retries.</summary>
public sealed class AwsQueryClientTests : IAsyncLifetime
{
    private static readonly AwsCredentials Credentials = new("AKIDTEST", "secret-test-key", "session-token");
    private readonly Queue<(int Status, string Body)> _answers = new();
    private readonly List<(IFormCollection Form, IHeaderDictionary Headers, string Body)> _seen = [];
    private WebApplication _server = null!;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.Run(async context =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Request.Body.Position = 0;
            var form = await context.Request.ReadFormAsync();
            lock (_seen)
            {
                // Kestrel reuses the request's collections once it has answered: keep copies.
                _seen.Add((new FormCollection(form.ToDictionary(f => f.Key, f => f.Value)),
                    new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)), body));
            }

            var (status, answer) = _answers.Count > 0 ? _answers.Dequeue() : (200, "<Empty/>");
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/xml";
            await context.Response.WriteAsync(answer);
        });
        await _server.StartAsync();
        _url = new Uri(_server.Urls.First() + "/");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ACall_IsAFormPost_SignedSoTheServerCanVerifyIt_AndReturnsTheResult()
    {
        _answers.Enqueue((200, """
            <DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
              <DescribeLoadBalancersResult><LoadBalancers><member><LoadBalancerName>ci-prod-shop</LoadBalancerName></member></LoadBalancers></DescribeLoadBalancersResult>
              <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
            </DescribeLoadBalancersResponse>
            """));
        var client = Client();
        var result = await client.CallAsync("DescribeLoadBalancers", AwsQueryClient.Members("Names", ["ci-prod-shop", "a b&c"]), CancellationToken.None);

        Assert.Equal("DescribeLoadBalancersResult", result.Name.LocalName);
        Assert.Equal("ci-prod-shop", (string?)result.Element("LoadBalancers")!.Element("member")!.Element("LoadBalancerName"));
        var (form, headers, body) = Assert.Single(_seen);
        Assert.Equal("DescribeLoadBalancers", form["Action"]);
        Assert.Equal("2015-12-01", form["Version"]);
        Assert.Equal("a b&c", form["Names.member.2"]);
        Assert.Equal("session-token", headers["X-Amz-Security-Token"]);

        // Recompute the signature on the server side from what arrived.
        var at = DateTimeOffset.ParseExact(headers["X-Amz-Date"]!, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);
        var expected = SigV4.Authorization("POST", _url,
            [new("host", headers.Host!), new("content-type", headers.ContentType!), new("x-amz-date", headers["X-Amz-Date"]!), new("x-amz-security-token", "session-token")],
            SigV4.PayloadHash(Encoding.UTF8.GetBytes(body)), Credentials, "eu-west-1", "elasticloadbalancing", at);
        Assert.Equal(expected, headers.Authorization.ToString());
        Assert.Contains("/eu-west-1/elasticloadbalancing/aws4_request", expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_IsRetried_AndCounted()
    {
        _answers.Enqueue((400, Elbv2Error("Throttling", "Rate exceeded")));
        _answers.Enqueue((503, "<html>busy</html>"));
        _answers.Enqueue((200, "<CreateRuleResponse><CreateRuleResult><Rules/></CreateRuleResult></CreateRuleResponse>"));
        var client = Client();
        var result = await client.CallAsync("CreateRule", [], CancellationToken.None);
        Assert.Equal("CreateRuleResult", result.Name.LocalName);
        Assert.Equal(3, client.Calls["CreateRule"]);
    }

    [Fact]
    public async Task AnAwsError_IsTyped_AndNotRetried()
    {
        _answers.Enqueue((400, Elbv2Error("DuplicateLoadBalancerName", "A load balancer with the same name 'x' exists")));
        var client = Client();
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.CallAsync("CreateLoadBalancer", [], CancellationToken.None));
        Assert.Equal("DuplicateLoadBalancerName", error.Code);
        Assert.Equal("req-42", error.RequestId);
        Assert.False(error.IsRetryable);
        Assert.Single(_seen);
        Assert.DoesNotContain("secret-test-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ec2Errors_AreReadToo()
    {
        _answers.Enqueue((400, """
            <Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>The security group 'sg-1' does not exist</Message></Error></Errors><RequestID>ec2-7</RequestID></Response>
            """));
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Client("ec2", "2016-11-15").CallAsync("DescribeSecurityGroups", [], CancellationToken.None));
        Assert.Equal("InvalidGroup.NotFound", error.Code);
        Assert.Equal("ec2-7", error.RequestId);
    }

    [Fact]
    public async Task PersistentThrottling_GivesUpAfterTheLastAttempt()
    {
        for (var i = 0; i < 10; i++)
        {
            _answers.Enqueue((429, Elbv2Error("ThrottlingException", "slow down")));
        }

        var client = Client();
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.CallAsync("DescribeTags", [], CancellationToken.None));
        Assert.True(error.IsThrottling);
        Assert.Equal(4, _seen.Count);
    }

    [Fact]
    public async Task CreateRetriedAfterA5xx_IsUncertain_OneRetriedAfterThrottlingOrAnUpdateIsNot()
    {
        var client = Client();
        _answers.Enqueue((429, Elbv2Error("Throttling", "slow down")));
        await client.CallAsync("CreateTargetGroup", [], CancellationToken.None);
        _answers.Enqueue((500, Elbv2Error("InternalFailure", "lost")));
        await client.CallAsync("ModifyRule", [], CancellationToken.None);
        Assert.Equal(0, client.UncertainCreates);

        _answers.Enqueue((500, Elbv2Error("InternalFailure", "lost")));
        await client.CallAsync("CreateRule", [], CancellationToken.None);

        Assert.Equal(1, client.UncertainCreates);
    }

    [Fact]
    public async Task PacedFlow_WaitsForThePaceToo_AndOnlyThatFlow()
    {
        var clock = new FakeTimeProvider();
        var pace = new TokenBucket(ratePerSecond: 1, burst: 1, clock);
        await pace.TakeAsync(CancellationToken.None);
        var client = Client();

        var paced = AwsProtocolClient.PacedAsync(pace, () => client.CallAsync("DescribeRules", [], CancellationToken.None));
        Assert.False(paced.IsCompleted, "the pace has no token left");
        Assert.Empty(_seen);
        await client.CallAsync("DescribeTags", [], CancellationToken.None);
        Assert.Single(_seen);

        clock.Advance(TimeSpan.FromSeconds(1));
        await paced.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, _seen.Count);
    }

    private AwsQueryClient Client(string service = "elasticloadbalancing", string version = "2015-12-01") =>
        new(new HttpClient(), new AwsServiceEndpoint(service, version, _url, "eu-west-1"), _ => ValueTask.FromResult(Credentials), new AwsRateLimiter(AwsRateLimits.None, TimeProvider.System))
        {
            MaxAttempts = 4,
            BaseDelay = TimeSpan.FromMilliseconds(5),
        };

    private static string Elbv2Error(string code, string message) => $"""
        <ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
          <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
          <RequestId>req-42</RequestId>
        </ErrorResponse>
        """;
}

public sealed class TokenBucketTests
{
    [Fact]
    public async Task ABurst_IsServedAtOnce_ThenCallsArePaced()
    {
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(ratePerSecond: 20, burst: 5, clock);
        var started = clock.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(bucket.TakeAsync(CancellationToken.None).IsCompletedSuccessfully, "the burst should not wait");
        }

        // At 20/s each further call needs 50 ms of the bucket's time: not a tick less.
        var spacing = TimeSpan.FromMilliseconds(50);
        for (var i = 0; i < 6; i++)
        {
            var take = bucket.TakeAsync(CancellationToken.None);
            clock.Advance(spacing - TimeSpan.FromTicks(1));
            Assert.False(take.IsCompleted, $"call {i + 6} went before its token");
            clock.Advance(TimeSpan.FromTicks(1));
            await take.WaitAsync(TimeSpan.FromSeconds(10));
        }

        var elapsed = clock.GetUtcNow() - started;
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(250), $"6 more at 20/s take about 300 ms, took {elapsed.TotalMilliseconds} ms");
    }
}
