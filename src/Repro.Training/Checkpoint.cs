using System.Text.Json;
using Repro.Dynamics;
using Repro.Harness;
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

/// <summary>
/// The trainer's checkpoint: one safetensors file (PyTorch reads the weights) whose tensors are
/// model.&lt;name&gt; (state_dict), optimizer.&lt;index&gt;.momentum_buffer, generator.&lt;i&gt; (the model's
/// generators' states), probe.Z0 and probe.ntk0 (the probe's values at step 0, which r(t) and the
/// NTK change are measured against), and whose metadata "trainer" is the <see cref="CheckpointState"/>
/// as JSON. Written to a temporary file, flushed to disk and renamed over the old one, so a kill
/// leaves the previous checkpoint or the new one, never half of one.
/// </summary>
public static class Checkpoint
{
    const string StateKey = "trainer";

    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, CheckpointState state)
    {
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!,
            $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        try
        {
            Safetensors.Save(temp, tensors, new Dictionary<string, string> { [StateKey] = JsonSerializer.Serialize(state, RunRecord.Json) });
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
    public static (OrderedDictionary<string, Tensor> tensors, CheckpointState state) Read(string path)
    {
        var tensors = Safetensors.Load(path, out var metadata);
        try
        {
            if (!metadata.TryGetValue(StateKey, out string? json))
                throw new InvalidDataException($"{path}: no \"{StateKey}\" entry in its metadata (not a trainer checkpoint)");
            CheckpointState? state;
            try { state = JsonSerializer.Deserialize<CheckpointState>(json, RunRecord.Json); }
            catch (JsonException e) { throw new InvalidDataException($"{path}: the trainer state is not valid JSON: {e.Message}", e); }
            if (state is null || state.Curves is null || state.Scalars is null || state.Notes is null || state.Means is null)
                throw new InvalidDataException($"{path}: the trainer state is incomplete");
            if (state.Format != CheckpointState.CurrentFormat)
                throw new InvalidDataException($"{path}: checkpoint format {state.Format}; this trainer reads format {CheckpointState.CurrentFormat}");
            return (tensors, state);
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
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
