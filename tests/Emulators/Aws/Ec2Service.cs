using System.Xml.Linq;

namespace CloudIngress.Emulators.Aws;

/// <summary>The EC2 actions (API 2016-11-15) a load balancer controller needs.</summary>
internal sealed class Ec2Service : IQueryService
{
    private const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private readonly Dictionary<string, Func<QueryParams, IEnumerable<XElement?>>> _actions;

    public Ec2Service(AwsState state)
    {
        var network = new Ec2Network(state);
        var groups = new SecurityGroupOperations(state);
        _actions = new(StringComparer.Ordinal)
        {
            ["DescribeVpcs"] = network.DescribeVpcs,
            ["DescribeSubnets"] = network.DescribeSubnets,
            ["DescribeInstances"] = network.DescribeInstances,
            ["CreateTags"] = network.CreateTags,
            ["CreateSecurityGroup"] = groups.Create,
            ["DescribeSecurityGroups"] = groups.Describe,
            ["DeleteSecurityGroup"] = groups.Delete,
            ["AuthorizeSecurityGroupIngress"] = groups.Authorize,
            ["RevokeSecurityGroupIngress"] = groups.Revoke,
        };
    }

    public string Version => "2016-11-15";

    public bool Knows(string action) => _actions.ContainsKey(action);

    public QueryParams Params(IReadOnlyDictionary<string, string> form) => new(form, memberLists: false, "MissingParameter", "InvalidParameterValue");

    public IEnumerable<XElement?> Handle(string action, QueryParams p) => _actions[action](p);

    public string Success(string action, IEnumerable<XElement?> result, string requestId) =>
        QueryXml.Document(new XElement(action + "Response", new XElement("requestId", requestId), result), Namespace);

    public string Error(AwsError error, string requestId) => QueryXml.Document(
        new XElement("Response", new XElement("Errors", new XElement("Error", new XElement("Code", error.Code), new XElement("Message", error.Message))), new XElement("RequestID", requestId)),
        XNamespace.None);
}
