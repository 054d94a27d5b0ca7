using System.Xml.Linq;
using static CloudIngress.Emulators.Aws.QueryXml;

namespace CloudIngress.Emulators.Aws;

/// <summary>AddTags, RemoveTags and DescribeTags for load balancers, target groups, listeners and rules (at most 20 ARNs a call).</summary>
internal sealed class ElbV2Tagging(AwsState state, RuleOperations rules)
{
    private const int MaxResources = 20;

    public IEnumerable<XElement?> Add(QueryParams p)
    {
        var arns = Resources(p);
        var tags = p.Has("Tags") ? p.Tags("Tags") : throw p.Missing("Tags");
        foreach (var arn in arns)
        {
            ElbV2Names.Tags(p, state.TagsOf(arn));
        }

        foreach (var arn in arns)
        {
            state.AddTags(arn, tags);
        }

        return [];
    }

    public IEnumerable<XElement?> Remove(QueryParams p)
    {
        var arns = Resources(p);
        var keys = p.List("TagKeys");
        if (keys.Count == 0)
        {
            throw p.Missing("TagKeys");
        }

        foreach (var arn in arns)
        {
            foreach (var key in keys)
            {
                state.Tags.GetValueOrDefault(arn)?.Remove(key);
            }
        }

        return [];
    }

    public IEnumerable<XElement?> Describe(QueryParams p) =>
        [Members("TagDescriptions", Resources(p).Select(arn => new object[] { E("ResourceArn", arn), ElbV2Xml.Tags(state.TagsOf(arn)) }))];

    private List<string> Resources(QueryParams p)
    {
        var arns = p.List("ResourceArns");
        if (arns.Count == 0)
        {
            throw p.Missing("ResourceArns");
        }

        if (arns.Count > MaxResources)
        {
            throw new AwsError("ValidationError", $"1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to {MaxResources}");
        }

        foreach (var arn in arns)
        {
            _ = arn switch
            {
                _ when arn.Contains(":loadbalancer/", StringComparison.Ordinal) => state.LoadBalancer(arn).Arn,
                _ when arn.Contains(":targetgroup/", StringComparison.Ordinal) => state.TargetGroup(arn).Arn,
                _ when arn.Contains(":listener/", StringComparison.Ordinal) => state.Listener(arn).Arn,
                _ when arn.Contains(":listener-rule/", StringComparison.Ordinal) => rules.Find(arn).Arn,
                _ => throw new AwsError("ValidationError", $"'{arn}' is not a valid load balancer, target group, listener or rule ARN"),
            };
        }

        return arns.Distinct().ToList();
    }
}
