using System.Xml.Linq;

namespace CloudIngress.Emulators.Aws;

/// <summary>A service on the AWS Query protocol: its actions and how its answers and errors are shaped.</summary>
internal interface IQueryService
{
    string Version { get; }

    bool Knows(string action);

    QueryParams Params(IReadOnlyDictionary<string, string> form);

    /// <summary>Runs the action under the state lock; the elements are the content of the result.</summary>
    IEnumerable<XElement?> Handle(string action, QueryParams p);

    string Success(string action, IEnumerable<XElement?> result, string requestId);

    string Error(AwsError error, string requestId);
}
