using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Plan;

namespace CloudIngress.Providers.Aws.Tests.Deploy;

public sealed class RulePlannerTests
{
    private static RuleSpec Rule(string path, string target = "tg") =>
        new([new ConditionSpec("path-pattern", [path])], [ActionSpec.ForwardTo([new ForwardTarget(target, 1)])]);

    private static List<ElbRule> Existing(params (string Path, int Priority)[] rules) =>
        [.. rules.Select(r => new ElbRule("arn:" + r.Path, r.Priority, Rule(r.Path)))];

    private static List<ElbRule> Apply(List<ElbRule> actual, RuleChanges changes)
    {
        var result = actual.Where(r => !changes.Delete.Contains(r.Arn)).ToList();
        foreach (var (arn, rule) in changes.Modify)
        {
            var i = result.FindIndex(r => r.Arn == arn);
            result[i] = result[i] with { Rule = rule };
        }

        foreach (var (arn, priority) in changes.Reprioritize)
        {
            var i = result.FindIndex(r => r.Arn == arn);
            result[i] = result[i] with { Priority = priority };
        }

        result.AddRange(changes.Create.Select(c => new ElbRule("arn:new:" + c.Priority, c.Priority, c.Rule)));
        return result;
    }

    private static void AssertRealizes(IReadOnlyList<RuleSpec> desired, List<ElbRule> actual, RuleChanges changes)
    {
        var after = Apply(actual, changes);
        Assert.Equal(after.Count, after.Select(r => r.Priority).Distinct().Count());
        Assert.All(after, r => Assert.InRange(r.Priority!.Value, 1, RulePlanner.MaxPriority));
        Assert.Equal(desired, after.OrderBy(r => r.Priority).Select(r => r.Rule));
    }

    [Fact]
    public void Unchanged_NeedsNothing()
    {
        var actual = Existing(("/a", 10), ("/b", 20), ("/c", 30));
        Assert.Equal(0, RulePlanner.Plan([Rule("/a"), Rule("/b"), Rule("/c")], actual).Count);
    }

    [Fact]
    public void Insert_InTheMiddle_IsOneCreateInTheGap()
    {
        var actual = Existing(("/a", 10), ("/c", 20));
        RuleSpec[] desired = [Rule("/a"), Rule("/b"), Rule("/c")];
        var changes = RulePlanner.Plan(desired, actual);
        Assert.Equal(1, changes.Count);
        Assert.InRange(Assert.Single(changes.Create).Priority, 11, 19);
        AssertRealizes(desired, actual, changes);
    }

    [Fact]
    public void ChangedBackend_IsOneModify_KeepingThePriority()
    {
        var actual = Existing(("/a", 10), ("/b", 20));
        RuleSpec[] desired = [Rule("/a"), Rule("/b", "other")];
        var changes = RulePlanner.Plan(desired, actual);
        Assert.Equal(1, changes.Count);
        Assert.Equal("arn:/b", Assert.Single(changes.Modify).RuleArn);
        AssertRealizes(desired, actual, changes);
    }

    [Fact]
    public void Removal_IsOneDelete()
    {
        var actual = Existing(("/a", 10), ("/b", 20), ("/c", 30));
        RuleSpec[] desired = [Rule("/a"), Rule("/c")];
        var changes = RulePlanner.Plan(desired, actual);
        Assert.Equal(["arn:/b"], changes.Delete);
        Assert.Equal(1, changes.Count);
        AssertRealizes(desired, actual, changes);
    }

    [Fact]
    public void NoRoomInTheGap_RenumbersInOneCall()
    {
        var actual = Existing(("/a", 1), ("/c", 2));
        RuleSpec[] desired = [Rule("/a"), Rule("/b"), Rule("/c")];
        var changes = RulePlanner.Plan(desired, actual);
        Assert.Single(changes.Create);
        Assert.NotEmpty(changes.Reprioritize);
        Assert.Equal(2, changes.Count);
        AssertRealizes(desired, actual, changes);
    }

    [Fact]
    public void Reorder_MovesOnlyWhatIsOutOfOrder()
    {
        var actual = Existing(("/a", 10), ("/b", 20), ("/c", 30), ("/d", 40));
        RuleSpec[] desired = [Rule("/a"), Rule("/c"), Rule("/d"), Rule("/b")];
        var changes = RulePlanner.Plan(desired, actual);
        Assert.Equal([("arn:/b", changes.Reprioritize.Single().Priority)], changes.Reprioritize);
        AssertRealizes(desired, actual, changes);
    }

    [Fact]
    public void RandomEdits_AlwaysRealizeTheDesiredOrder()
    {
        var random = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var actual = Existing([.. Enumerable.Range(0, random.Next(0, 30)).Select(i => ($"/p{random.Next(0, 40)}-{i}", (i + 1) * random.Next(1, 4)))
                .DistinctBy(r => r.Item2)]);
            var desired = actual.Select(r => r.Rule).Where(_ => random.Next(4) > 0)
                .Concat(Enumerable.Range(0, random.Next(0, 8)).Select(i => Rule($"/new{round}-{i}")))
                .OrderBy(_ => random.Next(3))
                .ToList();
            AssertRealizes(desired, actual, RulePlanner.Plan(desired, actual));
        }
    }
}
