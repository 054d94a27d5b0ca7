using System.Xml.Linq;

namespace CloudIngress.Emulators.Aws;

/// <summary>The Elastic Load Balancing v2 actions (API 2015-12-01) this emulator serves.</summary>
internal sealed class ElbV2Service : IQueryService
{
    private readonly Dictionary<string, Func<QueryParams, IEnumerable<XElement?>>> _actions;

    public ElbV2Service(AwsState state)
    {
        var parts = new RuleParts(state);
        var loadBalancers = new LoadBalancerOperations(state);
        var listeners = new ListenerOperations(state, parts);
        var rules = new RuleOperations(state, parts);
        var groups = new TargetGroupOperations(state);
        var tags = new ElbV2Tagging(state, rules);
        _actions = new(StringComparer.Ordinal)
        {
            ["CreateLoadBalancer"] = loadBalancers.Create,
            ["DescribeLoadBalancers"] = loadBalancers.Describe,
            ["DeleteLoadBalancer"] = loadBalancers.Delete,
            ["SetSecurityGroups"] = loadBalancers.SetSecurityGroups,
            ["DescribeLoadBalancerAttributes"] = loadBalancers.DescribeAttributes,
            ["ModifyLoadBalancerAttributes"] = loadBalancers.ModifyAttributes,
            ["CreateListener"] = listeners.Create,
            ["DescribeListeners"] = listeners.Describe,
            ["ModifyListener"] = listeners.Modify,
            ["DeleteListener"] = listeners.Delete,
            ["AddListenerCertificates"] = listeners.AddCertificates,
            ["RemoveListenerCertificates"] = listeners.RemoveCertificates,
            ["DescribeListenerCertificates"] = listeners.DescribeCertificates,
            ["CreateRule"] = rules.Create,
            ["DescribeRules"] = rules.Describe,
            ["ModifyRule"] = rules.Modify,
            ["SetRulePriorities"] = rules.SetPriorities,
            ["DeleteRule"] = rules.Delete,
            ["CreateTargetGroup"] = groups.Create,
            ["DescribeTargetGroups"] = groups.Describe,
            ["ModifyTargetGroup"] = groups.Modify,
            ["DeleteTargetGroup"] = groups.Delete,
            ["DescribeTargetGroupAttributes"] = groups.DescribeAttributes,
            ["ModifyTargetGroupAttributes"] = groups.ModifyAttributes,
            ["RegisterTargets"] = groups.Register,
            ["DeregisterTargets"] = groups.Deregister,
            ["DescribeTargetHealth"] = groups.DescribeHealth,
            ["AddTags"] = tags.Add,
            ["RemoveTags"] = tags.Remove,
            ["DescribeTags"] = tags.Describe,
        };
    }

    public string Version => "2015-12-01";

    public bool Knows(string action) => _actions.ContainsKey(action);

    public QueryParams Params(IReadOnlyDictionary<string, string> form) => new(form, memberLists: true, "ValidationError", "ValidationError");

    public IEnumerable<XElement?> Handle(string action, QueryParams p) => _actions[action](p);

    public string Success(string action, IEnumerable<XElement?> result, string requestId) => QueryXml.Document(
        new XElement(action + "Response", new XElement(action + "Result", result), new XElement("ResponseMetadata", new XElement("RequestId", requestId))),
        "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/");

    public string Error(AwsError error, string requestId) => QueryXml.Document(
        new XElement("ErrorResponse", new XElement("Error", new XElement("Type", error.Status >= 500 ? "Receiver" : "Sender"), new XElement("Code", error.Code), new XElement("Message", error.Message)), new XElement("RequestId", requestId)),
        "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/");
}
