using System.Text.Json;
using System.Text.Json.Serialization;
using Repro.Dynamics;
using Repro.Torch;

namespace Repro.Training;

/// <summary>What a checkpoint holds besides tensors: the step it was taken after, the guard, and
/// the run's record so far.</summary>
public sealed record CheckpointState(
    int Format,
    string ConfigHash,
    long Step,
    Dictionary<string, Curve> Curves,
    Dictionary<string, double> Scalars,
    Dictionary<string, string> Notes,
    TrainingMeans Means)
{
    public const int CurrentFormat = 1;
}

/// <summary>The tensors of a checkpoint by what they are: the model's state_dict, the optimizer's,
/// the model's generators' states (dropout masks), and the probe's values at step 0 (Z0 and the
/// kernel Theta_0, which r(t) and the kernel change are measured against). Read ones are on the
/// CPU and disposed with this.</summary>
public sealed record CheckpointTensors(
    IReadOnlyDictionary<string, Tensor> Model,
    IReadOnlyDictionary<string, Tensor> Optimizer,
    IReadOnlyList<Tensor> Generators,
    Tensor Z0,
    Tensor? Ntk0) : IDisposable
{
    public void Dispose()
    {
        foreach (var t in Model.Values.Concat(Optimizer.Values).Concat(Generators).Append(Z0)) t.Dispose();
        Ntk0?.Dispose();
    }
}

/// <summary>
/// The trainer's checkpoint: one safetensors file (PyTorch reads the weights) whose tensors are
/// model.&lt;name&gt; (state_dict), optimizer.&lt;name&gt; (its state_dict), generator.&lt;i&gt;, probe.Z0 and
/// probe.ntk0, and whose metadata "trainer" is the <see cref="CheckpointState"/> as JSON. Written to
/// a temporary file, flushed to disk and renamed over the old one, so a kill leaves the previous
/// checkpoint or the new one, never half of one.
/// </summary>
public static class Checkpoint
{
    const string StateKey = "trainer";

    /// <summary>The checkpoint's file in a run's checkpoint folder.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, "checkpoint.safetensors");

    // The run record's number form: NaN and infinities as strings, so a diverging curve round-trips.
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
    };

    public static void Write(string path, CheckpointTensors tensors, CheckpointState state)
    {
        var named = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, t) in tensors.Model) named.Add(new($"model.{name}", t));
        foreach (var (name, t) in tensors.Optimizer) named.Add(new($"optimizer.{name}", t));
        for (int i = 0; i < tensors.Generators.Count; i++) named.Add(new($"generator.{i}", tensors.Generators[i]));
        named.Add(new("probe.Z0", tensors.Z0));
        if (tensors.Ntk0 is not null) named.Add(new("probe.ntk0", tensors.Ntk0));

        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!,
            $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        try
        {
            Safetensors.Save(temp, named, new Dictionary<string, string> { [StateKey] = JsonSerializer.Serialize(state, Json) });
            using (var file = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite)) file.Flush(flushToDisk: true);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>The tensors (CPU; the caller disposes them) and the state. Anything that is not a
    /// checkpoint of this format is an exception naming the file and what is wrong.</summary>
    public static (CheckpointTensors tensors, CheckpointState state) Read(string path)
    {
        var all = Safetensors.Load(path, out var metadata);
        try
        {
            var state = ReadState(path, metadata);
            var (model, optimizer, generators) = (new Dictionary<string, Tensor>(), new Dictionary<string, Tensor>(), new SortedDictionary<int, Tensor>());
            Tensor? z0 = null, ntk0 = null;
            foreach (var (name, t) in all)
            {
                int dot = name.IndexOf('.');
                string group = dot < 0 ? name : name[..dot], rest = dot < 0 ? "" : name[(dot + 1)..];
                switch (group)
                {
                    case "model": model[rest] = t; break;
                    case "optimizer": optimizer[rest] = t; break;
                    case "generator" when int.TryParse(rest, out int i) && i >= 0: generators[i] = t; break;
                    case "probe" when rest == "Z0": z0 = t; break;
                    case "probe" when rest == "ntk0": ntk0 = t; break;
                    default: throw new InvalidDataException($"{path}: unexpected tensor '{name}'");
                }
            }
            if (generators.Count > 0 && generators.Keys.Last() != generators.Count - 1)
                throw new InvalidDataException($"{path}: generator states are not numbered 0 to {generators.Count - 1}");
            if (z0 is null) throw new InvalidDataException($"{path}: no probe.Z0 (the probe's logits at step 0)");
            return (new CheckpointTensors(model, optimizer, generators.Values.ToList(), z0, ntk0), state);
        }
        catch
        {
            foreach (var t in all.Values) t.Dispose();
            throw;
        }
    }

    static CheckpointState ReadState(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(StateKey, out string? json))
            throw new InvalidDataException($"{path}: no \"{StateKey}\" entry in its metadata (not a trainer checkpoint)");
        CheckpointState? state;
        try { state = JsonSerializer.Deserialize<CheckpointState>(json, Json); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: the trainer state is not valid JSON: {e.Message}", e); }
        // The serializer's word for a string that is no text (a lone surrogate escape, \ud800).
        catch (InvalidOperationException e) { throw new InvalidDataException($"{path}: the trainer state holds a string that is not text: {e.Message}", e); }
        if (state is null || state.Curves is null || state.Scalars is null || state.Notes is null || state.Means is null)
            throw new InvalidDataException($"{path}: the trainer state is incomplete");
        foreach (var (name, curve) in state.Curves)
            if (curve is null || curve.Steps.Count != curve.Values.Count)
                throw new InvalidDataException($"{path}: the trainer state's curve '{name}' is null or has unequal steps and values");
        if (state.Format != CheckpointState.CurrentFormat)
            throw new InvalidDataException($"{path}: checkpoint format {state.Format}; this trainer reads format {CheckpointState.CurrentFormat}");
        return state;
    }

    /// <summary>Deletes the temporaries a killed writer of <paramref name="path"/> left behind.</summary>
    public static void DeleteStaleTemporaries(string path)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory)) return;
        foreach (string stale in Directory.EnumerateFiles(directory, $".{Path.GetFileName(path)}.*.tmp*"))
            File.Delete(stale);
    }
}
