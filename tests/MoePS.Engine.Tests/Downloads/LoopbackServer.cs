using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MoePS.Engine.Tests.Downloads;

/// <summary>
/// An HTTP server on 127.0.0.1 (a free port) that answers every request with the same bytes: nothing at
/// all, headers and part of a body, or a whole response. Unless <c>close</c>, it then keeps the connection
/// open and silent until disposed, like a server that hangs.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stop = new();
    readonly List<TcpClient> clients = new();
    readonly Task serving;

    LoopbackServer(byte[] answer, bool close)
    {
        listener.Start();
        serving = Task.Run(() => Serve(answer, close));
    }

    /// <summary>Accepts connections and never sends a byte.</summary>
    public static LoopbackServer Silent() => new(Array.Empty<byte>(), close: false);

    /// <summary>Announces <paramref name="length"/> bytes, sends the first <paramref name="sent"/> of them, then goes silent.</summary>
    public static LoopbackServer StallingAfter(int sent, int length) => new(Response(new byte[sent], length), close: false);

    /// <summary>Sends <paramref name="body"/> whole and closes the connection.</summary>
    public static LoopbackServer Serving(byte[] body) => new(Response(body, body.Length), close: true);

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public string Url(string file) => $"{BaseUrl}/{file}";

    static byte[] Response(byte[] body, int length) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n").Concat(body).ToArray();

    async Task Serve(byte[] answer, bool close)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                lock (clients) clients.Add(client);
                if (answer.Length == 0) continue;
                var stream = client.GetStream();
                await ReadRequest(stream);
                await stream.WriteAsync(answer, stop.Token);
                if (close) client.Close();
            }
        }
        catch (Exception e) when (stop.IsCancellationRequested || e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // disposed: whatever the stopped listener or closed clients throw now (e.g. "Not listening" when
            // Dispose stops the listener before the loop's next accept) ends the loop
        }
    }

    /// <summary>Reads up to the blank line that ends the request's headers.</summary>
    async Task ReadRequest(NetworkStream stream)
    {
        var seen = new StringBuilder();
        var buffer = new byte[1024];
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int n = await stream.ReadAsync(buffer, stop.Token);
            if (n == 0) return;
            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        lock (clients) foreach (var c in clients) c.Dispose();
        serving.Wait(TimeSpan.FromSeconds(5));
        stop.Dispose();
    }
}
