using System.Text.Json;
using System.Text.Json.Nodes;
using Repro.Harness.CrashChild;
using Repro.Torch;

namespace Repro.Harness.Tests;

/// <summary>Every run record says which GPU it ran on and with what CUDA numerics; a CPU run has
/// the same fields, empty.</summary>
public class GpuEnvironmentTests
{
    [Test]
    public void ACpuRecordHasTheGpuFieldsEmpty()
    {
        using var dir = new TempDirectory();
        var store = new ResultStore(dir.Path);
        var toy = new ToyExperiment();
        var cell = toy.Grid(Tier.Smoke).Cells()[0];
        new CellRunner(store, _ => { }).Run(toy, Tier.Smoke, cell, out _, reuseAcrossCode: false);
        var json = JsonNode.Parse(File.ReadAllText(store.PathFor("toy", Tier.Smoke, cell.Id)))!;
        var gpu = json["environment"]!["gpu"]!.AsObject();
        Assert.That(gpu.Select(p => p.Key), Is.EquivalentTo(new[] { "name", "memoryBytes", "driver", "cuda", "cudnn" }),
            "the policy is there only for a CUDA run");
        Assert.That(gpu["name"]!.GetValue<string>(), Is.Empty);
        Assert.That(gpu["memoryBytes"]!.GetValue<long>(), Is.Zero);
        Assert.That(gpu["cuda"]!.GetValue<string>(), Is.Empty);
    }

    [Test]
    public void ACudaRunRecordsItsOwnGpuAndThePolicy()
    {
        Gpu[] gpus = [new(0, "NVIDIA A100-SXM4-80GB", 85_899_345_920), new(1, "NVIDIA H100 80GB HBM3", 85_520_809_984)];
        var policy = new CudaPolicy(CudnnBenchmark: true);
        var second = GpuEnvironment.Of(new Device(DeviceType.CUDA, 1), gpus, "550.54.15", "12.4", "9.1.0", policy);
        Assert.That(second, Is.EqualTo(new GpuEnvironment
        {
            Name = "NVIDIA H100 80GB HBM3", MemoryBytes = 85_520_809_984, Driver = "550.54.15", Cuda = "12.4", Cudnn = "9.1.0", Policy = policy,
        }));
        Assert.That(GpuEnvironment.Of(Device.CUDA, gpus, "550.54.15", "12.4", "9.1.0", policy).Name, Is.EqualTo("NVIDIA A100-SXM4-80GB"),
            "plain cuda is device 0");
        Assert.That(GpuEnvironment.Of(new Device(DeviceType.CUDA, 3), gpus, "550.54.15", "12.4", "", policy).Name, Is.Empty,
            "a device the driver does not list borrows no other's name");
        Assert.That(GpuEnvironment.Of(Device.CPU, gpus, "550.54.15", "12.4", "9.1.0", policy), Is.EqualTo(new GpuEnvironment()));
    }

    [Test]
    public void RecordsWrittenBeforeTheGpuFieldsReadAsCpuRuns()
    {
        var info = EnvironmentInfo.Capture("cpu");
        var node = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(info, RunRecord.Json))!.AsObject();
        node.Remove("gpu");
        var back = node.Deserialize<EnvironmentInfo>(RunRecord.Json)!;
        Assert.That(back.Gpu, Is.EqualTo(new GpuEnvironment()));
    }
}
