using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Repro.Harness.Containers;

/// <summary>Why a container run could not go on: one message saying what is missing or what
/// failed and what to do; results already written stay where they are.</summary>
public sealed class ContainerException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The Docker engine the runs talk to: DOCKER_HOST, else the local socket. Probing asks the daemon
/// which API version it speaks, so that Testcontainers (whose client asks for 1.44) is pinned to it:
/// Debian 12's engine (20.10) answers 1.41 and refuses newer clients. When no engine answers and
/// this process may start one, <see cref="Ensure"/> runs containers/engine.sh (which installs
/// Debian's docker.io when missing, saying so) and the returned lease stops only that daemon.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    const string DefaultSocket = "/var/run/docker.sock";
    readonly bool started;
    readonly string root;
    readonly Action<string> log;

    public string Endpoint { get; }
    public string ApiVersion { get; }

    DockerEngine(string endpoint, JsonObject version, bool started, string root, Action<string> log)
    {
        Endpoint = endpoint;
        ApiVersion = (string?)version["ApiVersion"] ?? "1.41";
        this.started = started;
        this.root = root;
        this.log = log;
    }

    static string EndpointName => Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix://" + DefaultSocket;

    /// <summary>The engine, started with containers/engine.sh when none answers on the local socket
    /// and this process runs as root; otherwise a <see cref="ContainerException"/> saying how to get one.</summary>
    /// <param name="endpoint">unix://path or tcp://host:port; default DOCKER_HOST, else the local socket.</param>
    public static DockerEngine Ensure(string checkoutRoot, Action<string> log, string? endpoint = null)
    {
        endpoint ??= EndpointName;
        if (Denied(endpoint))
            throw new ContainerException(
                $"the Docker engine at {endpoint} refused this user (permission denied on its socket): run as root, " +
                "or join the docker group (`sudo usermod -aG docker $USER`, then log in again)");
        if (Probe(endpoint) is { } version) return Pinned(new DockerEngine(endpoint, version, false, checkoutRoot, log));

        string script = Path.Combine(checkoutRoot, "containers", "engine.sh");
        bool mayStart = endpoint == "unix://" + DefaultSocket && OperatingSystem.IsLinux() && Environment.UserName == "root";
        if (!mayStart)
            throw new ContainerException(
                $"no Docker engine answers at {endpoint}. Start one (as root, `bash {script} start` installs Debian's " +
                "docker.io when missing and starts dockerd), or point DOCKER_HOST at a running engine.");
        log($"containers: no Docker engine answers at {endpoint}; starting one with {script}");
        var (code, _, said) = Shell.Run("bash", [script, "start"], line => log("  " + line));
        if (code != 0 || Probe(endpoint) is not { } started)
            throw new ContainerException($"no Docker engine answers at {endpoint}, and `bash {script} start` could not start one (exit {code}):\n{said}");
        return Pinned(new DockerEngine(endpoint, started, true, checkoutRoot, log));
    }

    /// <summary>The daemon's GET /version, or null when nothing answers.</summary>
    public static JsonObject? Probe(string endpoint)
    {
        try
        {
            using var client = Client(endpoint);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return client.GetFromJsonAsync<JsonObject>("/version", cancel.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException or IOException)
        {
            return null;
        }
    }

    static bool Denied(string endpoint)
    {
        if (!endpoint.StartsWith("unix://", StringComparison.Ordinal)) return false;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try { socket.Connect(new UnixDomainSocketEndPoint(endpoint["unix://".Length..])); return false; }
        catch (SocketException e) { return e.SocketErrorCode == SocketError.AccessDenied; }
    }

    /// <summary>GET of an engine API path (no version prefix: the daemon serves its own), as JSON;
    /// a missing resource is an <see cref="HttpRequestException"/> with status 404.</summary>
    public JsonObject Get(string path)
    {
        using var client = Client(Endpoint);
        try
        {
            return client.GetFromJsonAsync<JsonObject>(path).GetAwaiter().GetResult()
                   ?? throw new ContainerException($"the Docker engine at {Endpoint} answered {path} with nothing");
        }
        catch (HttpRequestException e) when (e.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            throw new ContainerException($"the Docker engine at {Endpoint} did not answer GET {path}: {e.Message}", e);
        }
    }

    /// <summary>What the daemon said in an API error (its JSON message), else the exception's message.</summary>
    public static string Said(Exception e)
    {
        string message = (e as Docker.DotNet.DockerApiException)?.ResponseBody ?? e.Message;
        try { return (string?)JsonNode.Parse(message)?["message"] ?? message.Trim(); }
        catch (System.Text.Json.JsonException) { return message.Trim(); }
    }

    /// <summary>POST of an engine API path with no body (stop a container); one already stopped is no error.</summary>
    public void Post(string path) => Send(HttpMethod.Post, path, System.Net.HttpStatusCode.NotModified);

    /// <summary>DELETE of an engine API path; a resource already gone is no error.</summary>
    public void Remove(string path) => Send(HttpMethod.Delete, path, System.Net.HttpStatusCode.NotFound);

    /// <summary>A request whose refusal is logged rather than thrown: it cleans up after a run.</summary>
    void Send(HttpMethod method, string path, System.Net.HttpStatusCode alsoFine)
    {
        using var client = Client(Endpoint);
        using var response = client.Send(new HttpRequestMessage(method, path));
        if (!response.IsSuccessStatusCode && response.StatusCode != alsoFine)
            log($"containers: the engine refused {method} {path}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult().Trim()}");
    }

    static HttpClient Client(string endpoint)
    {
        if (endpoint.StartsWith("unix://", StringComparison.Ordinal))
        {
            string socket = endpoint["unix://".Length..];
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, token) =>
                {
                    var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try { await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), token); }
                    catch { s.Dispose(); throw; }
                    return new NetworkStream(s, ownsSocket: true);
                },
            };
            return new HttpClient(handler) { BaseAddress = new Uri("http://docker") };
        }
        return new HttpClient { BaseAddress = new Uri(endpoint.Replace("tcp://", "http://", StringComparison.Ordinal)) };
    }

    /// <summary>Testcontainers reads DOCKER_API_VERSION when it first connects; a user's own setting wins.</summary>
    static DockerEngine Pinned(DockerEngine engine)
    {
        if (Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is not { Length: > 0 })
            Environment.SetEnvironmentVariable("DOCKER_API_VERSION", engine.ApiVersion);
        // Its resource reaper is an image pulled from a registry; the runner removes what it creates.
        DotNet.Testcontainers.Configurations.TestcontainersSettings.ResourceReaperEnabled = false;
        return engine;
    }

    /// <summary>Stops the daemon only if <see cref="Ensure"/> started it.</summary>
    public void Dispose()
    {
        if (!started) return;
        var (code, _, said) = Shell.Run("bash", [Path.Combine(root, "containers", "engine.sh"), "stop"], line => log("  " + line));
        if (code != 0) log($"containers: stopping the dockerd this run started failed (exit {code}): {said}");
    }
}
