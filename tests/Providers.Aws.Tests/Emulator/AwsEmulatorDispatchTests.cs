using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Aws.Tests.Emulator;

public sealed class AwsEmulatorDispatchTests : EmulatorTest
{
    [Fact]
    public async Task Query_WithoutAuthorization_Is403MissingAuthenticationToken()
    {
        var answer = await Wire.Query("elasticloadbalancing", "2015-12-01", "DescribeLoadBalancers", [], authorization: null);
        answer.Fails("MissingAuthenticationToken", 403);
    }

    [Fact]
    public async Task Query_WithMalformedAuthorization_Is403()
    {
        var answer = await Wire.Query("ec2", "2016-11-15", "DescribeVpcs", [], authorization: "Bearer token");
        Assert.Equal(403, answer.Status);
    }

    [Fact]
    public async Task Json_WithoutAuthorization_Is403MissingAuthenticationTokenException()
    {
        (await Wire.Acm("ListCertificates", [], authorization: null)).Fails("MissingAuthenticationTokenException", 403);
    }

    [Fact]
    public async Task Request_ScopedToAnotherRegion_Is400()
    {
        var answer = await Wire.Query("ec2", "2016-11-15", "DescribeVpcs", [], AwsWire.Authorization("ec2", "eu-west-1"));
        Assert.Equal(400, answer.Status);
        Assert.Equal("SignatureDoesNotMatch", answer.Code);
    }

    [Fact]
    public async Task Service_IsTakenFromTheCredentialScope()
    {
        (await Wire.Ec2("DescribeVpcs")).Ok();
        (await Wire.Elb("DescribeVpcs")).Fails("InvalidAction");
        var ec2Shape = await Wire.Ec2("DescribeVpcs");
        Assert.Equal("http://ec2.amazonaws.com/doc/2016-11-15/", ec2Shape.Root.Name.NamespaceName);
        Assert.Equal("DescribeVpcsResponse", ec2Shape.Root.Name.LocalName);
        Assert.Single(ec2Shape.All("requestId"));
    }

    [Fact]
    public async Task UnknownActions_AreRefusedPerProtocol()
    {
        (await Wire.Elb("DescribeEverything")).Fails("InvalidAction");
        (await Wire.Acm("RequestEverything", [])).Fails("UnknownOperationException");
        var ec2 = await Wire.Ec2("RunEverything");
        Assert.Equal("Response", ec2.Root.Name.LocalName);
        Assert.Equal("InvalidAction", ec2.Code);
    }

    [Fact]
    public async Task MissingRequiredParameters_UseEachServicesCode()
    {
        (await Wire.Elb("CreateLoadBalancer", "Type", "application")).Fails("ValidationError");
        (await Wire.Ec2("CreateSecurityGroup", "GroupDescription", "x")).Fails("MissingParameter");
        (await Wire.Acm("DescribeCertificate", [])).Fails("ValidationException");
    }

    [Fact]
    public async Task ElbV2Answers_HaveTheDocumentedEnvelope()
    {
        var answer = (await Wire.Elb("DescribeLoadBalancers")).Ok();
        Assert.Equal("http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", answer.Root.Name.NamespaceName);
        Assert.Equal(["DescribeLoadBalancersResult", "ResponseMetadata"], answer.Root.Elements().Select(e => e.Name.LocalName));
        var error = await Wire.Elb("DescribeListeners", "ListenerArns.member.1", "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/x/1/2");
        Assert.Equal("ErrorResponse", error.Root.Name.LocalName);
        Assert.Equal("Sender", error.One("Type"));
        Assert.Equal("ListenerNotFound", error.Code);
    }

    [Fact]
    public async Task Calls_AreCountedPerServiceAndAction_AndMutatingOnesSeparately()
    {
        await Wire.Elb("DescribeLoadBalancers");
        await Wire.Elb("DescribeLoadBalancers");
        await Wire.CreateTargetGroup("counted");
        await Wire.Acm("ListCertificates", new JsonObject());
        Assert.Equal(2, Aws.Calls["elasticloadbalancing:DescribeLoadBalancers"]);
        Assert.Equal(1, Aws.Calls["acm:ListCertificates"]);
        Assert.Equal(1, Aws.MutatingCalls);
    }

    [Fact]
    public async Task ConcurrentIdenticalCreates_MakeOneResource()
    {
        var arns = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Wire.CreateTargetGroup("same")));
        Assert.Single(arns.Distinct());
        Assert.Single(Aws.TargetGroups());
    }
}
