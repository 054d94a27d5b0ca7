using System.Globalization;

namespace CloudIngress.Emulators.Aws;

/// <summary>What tests put into the account without the API: networks, instances, issued certificates, target health. Callers hold the state lock.</summary>
internal static class AwsSeed
{
    public static void DefaultVpc(AwsState state)
    {
        var vpc = AddVpc(state, "10.0.0.0/16", isDefault: true);
        var zones = new[] { "a", "b", "c" };
        for (var i = 0; i < zones.Length; i++)
        {
            var az = state.Options.Region + zones[i];
            AddSubnet(state, vpc, az, $"10.0.{i * 16}.0/20", defaultForAz: true, new Dictionary<string, string> { ["kubernetes.io/role/elb"] = "1" });
            AddSubnet(state, vpc, az, $"10.0.{(i + 3) * 16}.0/20", defaultForAz: false, new Dictionary<string, string> { ["kubernetes.io/role/internal-elb"] = "1" });
        }
    }

    /// <summary>A VPC comes with its <c>default</c> security group, as in AWS.</summary>
    public static string AddVpc(AwsState state, string cidrBlock, bool isDefault)
    {
        var vpc = new Vpc("vpc-" + AwsState.Hex(17), cidrBlock, isDefault);
        state.Vpcs[vpc.Id] = vpc;
        SecurityGroupOperations.Add(state, "default", "default VPC security group", vpc.Id);
        return vpc.Id;
    }

    public static string AddSubnet(AwsState state, string vpcId, string availabilityZone, string cidrBlock, bool defaultForAz, IReadOnlyDictionary<string, string>? tags)
    {
        if (!state.Vpcs.ContainsKey(vpcId))
        {
            throw new ArgumentException($"No VPC {vpcId}", nameof(vpcId));
        }

        var subnet = new Subnet("subnet-" + AwsState.Hex(17), vpcId, availabilityZone, cidrBlock, defaultForAz);
        state.Subnets[subnet.Id] = subnet;
        state.AddTags(subnet.Id, tags ?? new Dictionary<string, string>());
        return subnet.Id;
    }

    /// <summary>An instance in the subnet of its zone; the private IP is read from an <c>ip-10-0-1-5.…</c> DNS name when it has one.</summary>
    public static void AddInstance(AwsState state, string id, string privateDnsName, string availabilityZone)
    {
        var subnet = state.Subnets.Values.FirstOrDefault(s => s.AvailabilityZone == availabilityZone)
            ?? throw new ArgumentException($"No subnet in {availabilityZone}", nameof(availabilityZone));
        var parts = privateDnsName.Split('.')[0].Split('-');
        var ip = parts is ["ip", _, _, _, _] ? string.Join('.', parts[1..]) : $"10.0.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";
        state.Instances[id] = new Instance(id, privateDnsName, ip, availabilityZone, subnet.VpcId, subnet.Id);
    }

    public static string AddIssuedCertificate(AwsState state, string arn, string domainName, string[] subjectAlternativeNames)
    {
        var now = state.Now;
        var serial = CertificateParser.Serial(Convert.ToHexString(Guid.NewGuid().ToByteArray()));
        state.Certificates[arn] = new Certificate(
            arn, "AMAZON_ISSUED", domainName, subjectAlternativeNames.Prepend(domainName).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), "RSA_2048",
            now.AddDays(-1), now.AddDays(395), now, null, serial, null, "CN=" + domainName, "CN=Amazon RSA 2048 M02, O=Amazon, C=US", "SHA256WITHRSA", null, null);
        return arn;
    }

    public static void SetTargetHealth(AwsState state, string targetGroupArn, string targetId, string health, string? reason, int? port)
    {
        var group = state.TargetGroup(targetGroupArn);
        var matched = false;
        var targets = group.Targets.Select(t =>
        {
            var hit = t.Id == targetId && (port is null || t.Port == port);
            matched |= hit;
            return hit ? t with { State = health, Reason = reason } : t;
        }).ToList();
        if (!matched)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Target {targetId}:{port} is not registered in {targetGroupArn}"), nameof(targetId));
        }

        state.TargetGroups[targetGroupArn] = group with { Targets = targets };
    }
}
