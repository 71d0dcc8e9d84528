using Repro.Bench;

// Benchmarks of the harness. Usage: repro-bench foundation [--steps N] [--rounds R] | models ...
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Repro.Bench foundation [--steps N] [--rounds R] | models [--steps N] [--rounds R] [--warmup W] [--model NAME] | pipeline [--steps N] | jpeg [--rounds R] | imagefolder [--batches N] [--rounds R] | probes [--rounds R] [--experiment NAME] | gpu [--device cuda|cpu] [--steps N] [--rounds R] [--warmup W]");
    return args.Length == 0 ? 2 : 0;
}
return args[0] switch
{
    "foundation" => FoundationBench.Run(args[1..]),
    "models" => ModelsBench.Run(args[1..]),
    "pipeline" => PipelineBench.Run(args[1..]),
    "jpeg" => JpegBench.Run(args[1..]),
    "imagefolder" => ImageFolderBench.Run(args[1..]),
    "probes" => ProbesBench.Run(args[1..]),
    "gpu" => GpuCheck.Run(args[1..]),
    _ => Fail($"unknown benchmark '{args[0]}' (known: foundation, models, pipeline, jpeg, imagefolder, probes, gpu)"),
};

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
