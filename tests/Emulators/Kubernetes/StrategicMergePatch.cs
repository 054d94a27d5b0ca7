using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Kubernetes;

/// <summary>
/// The strategic merge patch kubectl sends for built-in types, for the lists our kinds have: lists
/// with a merge key (Service ports by port, ownerReferences by uid) are merged element by element,
/// finalizers are a set, other lists are replaced as their API definitions say. Directives
/// ($setElementOrder, $retainKeys, $deleteFromPrimitiveList, $patch: delete) are honoured, never stored.
/// </summary>
public static class StrategicMergePatch
{
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["ports"] = "port",
        ["ownerReferences"] = "uid",
    };

    private static readonly HashSet<string> Sets = new(StringComparer.Ordinal) { "finalizers" };

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal) && result[key[25..]] is JsonArray list && value is JsonArray remove)
            {
                foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(r, i))).ToList())
                {
                    list.Remove(item);
                }
            }

            if (key.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonArray patchList && result[key] is JsonArray targetList && MergeKeys.TryGetValue(key, out var mergeKey))
            {
                result[key] = MergeByKey(targetList, patchList, mergeKey, patchObject["$setElementOrder/" + key] as JsonArray);
            }
            else if (value is JsonArray additions && result[key] is JsonArray existing && Sets.Contains(key))
            {
                foreach (var item in additions.Where(a => !existing.Any(e => JsonNode.DeepEquals(e, a))))
                {
                    existing.Add(item?.DeepClone());
                }
            }
            else
            {
                result[key] = Apply(result[key]?.DeepClone(), value);
            }
        }

        return result;
    }

    private static JsonArray MergeByKey(JsonArray target, JsonArray patch, string key, JsonArray? order)
    {
        var merged = target.Select(e => e?.DeepClone()).OfType<JsonObject>().ToList();
        foreach (var element in patch.OfType<JsonObject>())
        {
            var match = merged.FirstOrDefault(m => JsonNode.DeepEquals(m[key], element[key]));
            if ((string?)element["$patch"] == "delete")
            {
                if (match is not null)
                {
                    merged.Remove(match);
                }
            }
            else if (match is not null)
            {
                merged[merged.IndexOf(match)] = (JsonObject)Apply(match, element)!;
            }
            else
            {
                merged.Add((JsonObject)Apply(new JsonObject(), element)!);
            }
        }

        if (order is not null)
        {
            merged = merged.OrderBy(m => IndexIn(order, m[key], key)).ToList();
        }

        return new JsonArray(merged.Cast<JsonNode>().ToArray());
    }

    private static int IndexIn(JsonArray order, JsonNode? value, string key)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (JsonNode.DeepEquals(order[i]?[key], value))
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
