using Repro.Harness.Containers;

namespace Repro.Harness.Tests;

public sealed class ContainerEngineTests
{
    [Test]
    public void NoEngineAtTheEndpointIsOneMessageSayingHowToGetOne()
    {
        using var folder = new TempDirectory();
        string endpoint = $"unix://{folder.Path}/docker.sock";
        Assert.That(DockerEngine.Probe(endpoint), Is.Null);
        var log = new List<string>();
        var e = Assert.Throws<ContainerException>(() => DockerEngine.Ensure("/checkout", log.Add, endpoint))!;
        Assert.That(e.Message, Does.Contain($"no Docker engine answers at {endpoint}"));
        Assert.That(e.Message, Does.Contain("/checkout/containers/engine.sh start").And.Contain("DOCKER_HOST"));
        Assert.That(log, Is.Empty, "an engine it may not start is not started");
    }
}
