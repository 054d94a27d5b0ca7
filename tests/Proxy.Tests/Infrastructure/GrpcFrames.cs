using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;

namespace CloudIngress.Proxy.Tests.Infrastructure;

/// <summary>gRPC length-prefixed messages (flag byte, 4-byte big-endian length, payload) carrying text.</summary>
public static class GrpcFrames
{
    /// <summary>A gRPC-style HTTP/2 request whose body is whatever is written to <paramref name="requestBody"/>, flushed as written.</summary>
    public static HttpRequestMessage Request(string url, Pipe requestBody)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FlushingContent(requestBody.Reader.AsStream()),
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        return request;
    }

    public static async Task WriteAsync(PipeWriter writer, string message)
    {
        var payload = Encoding.UTF8.GetBytes(message);
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        await writer.WriteAsync(frame);
    }

    public static async Task<string> ReadAsync(Stream body)
    {
        var header = new byte[5];
        await body.ReadExactlyAsync(header);
        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await body.ReadExactlyAsync(payload);
        return Encoding.UTF8.GetString(payload);
    }
}
