namespace CloudIngress.Emulators.Aws;

public sealed record Vpc(string Id, string CidrBlock, bool IsDefault)
{
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

public sealed record Subnet(string Id, string VpcId, string AvailabilityZone, string CidrBlock, bool DefaultForAz)
{
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>One ingress permission per address range, the unit AWS authorizes and revokes.</summary>
public sealed record IpPermission(string IpProtocol, int? FromPort, int? ToPort, string? CidrIp, string? CidrIpv6);

public sealed record SecurityGroup(string Id, string Name, string Description, string VpcId, IReadOnlyList<IpPermission> Ingress)
{
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

public sealed record Instance(string Id, string PrivateDnsName, string PrivateIpAddress, string AvailabilityZone, string VpcId, string SubnetId);
