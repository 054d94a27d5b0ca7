using System.Globalization;
using System.Text;

namespace CloudIngress.Emulators.Aws;

/// <summary>Opaque markers (an offset, base64 so clients cannot rely on it) for every paged Describe/List.</summary>
internal static class Paging
{
    public static (List<T> Page, string? Next) Take<T>(IReadOnlyList<T> all, string? marker, int? pageSize, int defaultSize, string invalidCode)
    {
        var start = 0;
        if (!string.IsNullOrEmpty(marker))
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(marker));
                start = text.StartsWith("offset:", StringComparison.Ordinal) ? int.Parse(text[7..], NumberStyles.None, CultureInfo.InvariantCulture) : -1;
            }
            catch (FormatException)
            {
                start = -1;
            }

            if (start < 0 || start > all.Count)
            {
                throw new AwsError(invalidCode, $"The marker or token '{marker}' is not valid");
            }
        }

        var size = pageSize ?? defaultSize;
        var page = all.Skip(start).Take(size).ToList();
        var end = start + page.Count;
        return (page, end < all.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + end.ToString(CultureInfo.InvariantCulture))) : null);
    }
}
