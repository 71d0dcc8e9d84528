using Repro.Data;
using Repro.Dynamics;
using Repro.Harness;
using Repro.Torch;
using Repro.Torch.Modules;
using Repro.Torch.Optim;
using static Repro.Torch.torch;

namespace Repro.Training;

/// <summary>
/// Trains a classifier on the paper's loss, the softmax cross-entropy of beta z, by SGD (momentum,
/// weight decay, Nesterov) at the learning rate Eta * Schedule.At(t), and measures one cell's run
/// record. Step t means "after t updates": every value at step t is of those weights.
/// <list type="bullet">
/// <item>Scalars at step 0, on the probe batch: loss0, z0_norm (||Z0||, THEORY.md's root mean
/// square over examples of ||beta z0(x)||), dloss_dt0 (-eta(0) ||grad L||^2 of the probe loss),
/// entropy0.</item>
/// <item>Curves at step 0 and every LogEvery steps: probe_loss, probe_accuracy, r
/// (||Z_t - Z_0|| / ||Z_0||), entropy (mean softmax entropy), ntk_change (||Theta_t - Theta_0|| /
/// ||Theta_0|| on the first NtkExamples probe examples, when on), and train_loss, train_accuracy:
/// means over the training steps since the previous log.</item>
/// <item>Curves at every evaluation: test_loss, test_accuracy.</item>
/// <item>Scalars at the end: t_learn (r reaches 0.5), t_nl (ntk_change reaches 0.1), both
/// interpolated between logged steps, NaN if never; final_test_loss, final_test_accuracy.</item>
/// </list>
/// A NaN or infinite training loss at step t ends the run as diverged at t, keeping the curves so
/// far (a result, not an exception). With checkpoints on, a run that was killed or cancelled
/// resumes from its last checkpoint and produces the curves and weights of an uninterrupted run.
/// </summary>
public sealed class Trainer(Module<Tensor, Tensor> model, TrainingData data, TrainerOptions options)
{
    const double LearnedLevel = 0.5;      // t_learn: r(t) = 0.5 (THEORY.md)
    const double NonlinearLevel = 0.1;    // t_nl: the tangent kernel moved by 10% (THEORY.md)

    /// <summary>The model's final layer, needed when <see cref="TrainerOptions.LogitScale"/> is set.</summary>
    public Linear? LogitLayer { get; init; }

    /// <summary>Generators the model draws from while training (dropout masks): their states go
    /// into checkpoints so that a resumed run draws the same masks.</summary>
    public IReadOnlyList<Generator> ModelGenerators { get; init; } = [];

    /// <summary>Called at every logged step with the training loss and accuracy since the last log
    /// (at step 0: on the probe batch).</summary>
    public Action<CellProgress>? Progress { get; init; }

    /// <summary>Where the trainer says what it did with a checkpoint (resumed, or why not).</summary>
    public Action<string> Log { get; init; } = message => Console.Error.WriteLine(message);

    // The run's state, all of it saved in a checkpoint.
    CellResult result = new();
    readonly TrainingMeans means = new();
    Tensor? z0, ntk0;                     // Z0 = beta z0 on the probe batch, Theta_0
    SGD? optimizer;

    Tensor? probeInputs, probeLabels;     // on the device
    ScalarType dtype;
    bool started;

    double Beta => options.Beta;
    Device Device => options.Device;
    bool Checkpointing => options.CheckpointEvery > 0;

    double LearningRate(long step) => options.Eta * options.Schedule.At(step);

    public CellResult Run(CancellationToken cancellation = default)
    {
        if (started) throw new InvalidOperationException("a Trainer runs once; make a new one for another run");
        started = true;
        CheckInputs();
        model.to(Device);
        model.train();
        dtype = model.parameters().Select(p => p.dtype).First(t => t.IsFloatingPoint());
        result.Device = Device.ToString();
        try
        {
            probeInputs = OnDevice(data.Probe.Inputs).DetachFromDisposeScope();
            probeLabels = OnDevice(data.Probe.Labels).DetachFromDisposeScope();
            optimizer = NewOptimizer();
            long step = Resume() ?? Start();

            using var batches = data.Train(step);
            while (step < options.Steps)
            {
                if (cancellation.IsCancellationRequested)
                {
                    if (Checkpointing) SaveCheckpoint(step);
                    cancellation.ThrowIfCancellationRequested();
                }
                double loss;
                using (var batch = batches.Next()) loss = TrainStep(step, batch);
                if (!double.IsFinite(loss))
                {
                    result.Diverged(step);
                    break;
                }
                step++;
                if (step % options.LogEvery == 0 || step == options.Steps) LogProbes(step);
                if ((options.EvalEvery > 0 && step % options.EvalEvery == 0) || step == options.Steps) Evaluate(step);
                if (Checkpointing && step % options.CheckpointEvery == 0 && step < options.Steps) SaveCheckpoint(step);
            }
            Finish();
            return result;
        }
        finally
        {
            optimizer?.Dispose();
            foreach (var t in new[] { probeInputs, probeLabels, z0, ntk0 }) t?.Dispose();
        }
    }

    void CheckInputs()
    {
        options.Validate();
        long probeCount = data.Probe.Labels.shape[0];
        if (probeCount < 1) throw new ArgumentException("the probe batch is empty", nameof(data));
        if (options.NtkExamples > probeCount)
            throw new ArgumentException($"trainer option NtkExamples = {options.NtkExamples} exceeds the {probeCount} probe examples", nameof(options.NtkExamples));
        if (options.LogitScale is { } target && LogitLayer is null)
            throw new ArgumentException($"trainer option LogitScale = {target} rescales the model's logit layer: set Trainer.LogitLayer", nameof(LogitLayer));
        if (LogitLayer is not null && !model.named_modules().Any(m => ReferenceEquals(m.module, LogitLayer)))
            throw new ArgumentException("Trainer.LogitLayer is not a layer of the model", nameof(LogitLayer));
    }

    SGD NewOptimizer() => new(model.parameters(), LearningRate(0), options.Momentum, dampening: 0,
        options.WeightDecay, options.Nesterov);

    /// <summary>A batch tensor on the device; floating-point inputs in the model's dtype (so a
    /// float64 model reads the float32 loaders).</summary>
    Tensor OnDevice(Tensor t)
    {
        using var scope = NewDisposeScope();
        Tensor typed = t.dtype.IsFloatingPoint() && t.dtype != dtype ? t.to(dtype) : t;
        return typed.to(Device).MoveToOuterDisposeScope();
    }

    /// <summary>Step 0 of a fresh run: the logit scale, then THEORY.md's initial quantities.</summary>
    long Start()
    {
        long probeCount = probeInputs!.shape[0];
        result.Notes["probe"] = $"{probeCount} fixed examples; batch norm uses the probe batch's own statistics (as training does) " +
            "and its running statistics are restored after every probe; dropout is off";
        result.Notes["z0"] = options.LogitScale is { } scale
            ? $"logit layer rescaled so that ||Z0|| = {scale} on the probe batch"
            : "the model's own initialization";
        if (options.LogitScale is { } target)
            using (new ProbeMode(model))
                LogitScale.Rescale(LogitLayer!, () => model.forward(probeInputs!), Beta, target);

        using (NewDisposeScope())
        using (new ProbeMode(model))
        {
            Tensor z = model.forward(probeInputs);
            Tensor loss = BetaCrossEntropy.Loss(z, probeLabels!, Beta);
            var gradients = autograd.grad([loss], model.parameters(), allow_unused: true);
            double gradientNormSquared = gradients.Sum(g => g is null ? 0 : g.pow(2).sum().item());
            z0 = (z.detach() * Beta).DetachFromDisposeScope();
            result.Scalars["loss0"] = loss.item();
            result.Scalars["z0_norm"] = LogitNorm.Rms(z0);
            result.Scalars["dloss_dt0"] = -LearningRate(0) * gradientNormSquared;
            result.Scalars["entropy0"] = Probes.Entropy(z0);
        }
        if (options.NtkExamples > 0)
        {
            ntk0 = Ntk();
            result.Notes["t_nl"] = $"first step where ||Theta_t - Theta_0|| / ||Theta_0|| reaches {NonlinearLevel} " +
                $"(empirical NTK of the first {options.NtkExamples} probe examples), interpolated between logged steps";
        }
        LogProbes(0);
        if (options.EvalEvery > 0) Evaluate(0);
        return 0;
    }

    /// <summary>One update on the step's batch; returns its loss (NaN or infinite: no update).</summary>
    double TrainStep(long step, Batch batch)
    {
        using var scope = NewDisposeScope();
        optimizer!.lr = LearningRate(step);
        optimizer.zero_grad();
        Tensor y = OnDevice(batch.Labels);
        Tensor z = model.forward(OnDevice(batch.Inputs));
        Tensor loss = BetaCrossEntropy.Loss(z, y, Beta, options.LabelSmoothing);
        // Queued before the loss is read, so that a step waits for the device once (on CUDA a
        // second read after the update would stall the next step's launches behind it).
        Tensor correct = z.argmax(1).eq(y).sum();
        double value = loss.item();
        if (!double.IsFinite(value)) return value;
        loss.backward();
        optimizer.step();
        means.Add(value, (long)correct.item(), y.shape[0]);
        return value;
    }

    /// <summary>The probe quantities at <paramref name="step"/>, the training means since the last
    /// log, and the progress report.</summary>
    void LogProbes(long step)
    {
        double probeLoss, probeAccuracy;
        using (NewDisposeScope())
        using (new ProbeMode(model))
        using (no_grad())
        {
            Tensor z = model.forward(probeInputs!);
            Tensor scaled = z * Beta;
            probeLoss = BetaCrossEntropy.Loss(z, probeLabels!, Beta).item();
            probeAccuracy = (double)Correct(z, probeLabels!) / probeLabels!.shape[0];
            result.Curve("probe_loss").Add(step, probeLoss);
            result.Curve("probe_accuracy").Add(step, probeAccuracy);
            result.Curve("r").Add(step, Probes.RelativeChange(scaled, z0!));
            result.Curve("entropy").Add(step, Probes.Entropy(scaled));
        }
        if (ntk0 is not null)
            using (var theta = Ntk())
                result.Curve("ntk_change").Add(step, EmpiricalNtk.RelativeChange(theta, ntk0));

        var (loss, accuracy) = means.Steps > 0 ? (means.Loss, means.Accuracy) : (probeLoss, probeAccuracy);
        if (means.Steps > 0)
        {
            result.Curve("train_loss").Add(step, loss);
            result.Curve("train_accuracy").Add(step, accuracy);
        }
        means.Clear();
        Progress?.Invoke(new CellProgress(step, options.Steps, new Dictionary<string, double> { ["loss"] = loss, ["accuracy"] = accuracy }));
    }

    /// <summary>The empirical NTK of the first NtkExamples probe examples (the caller disposes it).</summary>
    Tensor Ntk()
    {
        using var scope = NewDisposeScope();
        using var probe = new ProbeMode(model);
        return EmpiricalNtk.Of(model, probeInputs!.narrow(0, 0, options.NtkExamples)).DetachFromDisposeScope();
    }

    /// <summary>Test loss (THEORY.md's L, no label smoothing) and accuracy over the whole test
    /// split, in eval mode: batch norm's running statistics, no dropout.</summary>
    void Evaluate(long step)
    {
        double lossSum = 0;
        long correct = 0, count = 0;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            foreach (var batch in data.Test())
            {
                using var owned = batch;
                using var scope = NewDisposeScope();
                Tensor y = OnDevice(batch.Labels);
                Tensor z = model.forward(OnDevice(batch.Inputs));
                long n = y.shape[0];
                lossSum += BetaCrossEntropy.Loss(z, y, Beta).item() * n;
                correct += Correct(z, y);
                count += n;
            }
        }
        finally
        {
            model.train();
        }
        if (count == 0) throw new InvalidOperationException("the test split is empty: there is nothing to evaluate");
        result.Curve("test_loss").Add(step, lossSum / count);
        result.Curve("test_accuracy").Add(step, (double)correct / count);
    }

    static long Correct(Tensor z, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return (long)z.argmax(1).eq(labels).sum().item();
    }

    void Finish()
    {
        var r = result.Curve("r");
        result.Scalars["t_learn"] = Probes.Crossing(r.Steps, r.Values, LearnedLevel);
        if (ntk0 is not null)
        {
            var ntk = result.Curve("ntk_change");
            result.Scalars["t_nl"] = Probes.Crossing(ntk.Steps, ntk.Values, NonlinearLevel);
        }
        if (result.Status == RunStatus.Complete)
        {
            result.Scalars["final_test_loss"] = result.Curves["test_loss"].Values[^1];
            result.Scalars["final_test_accuracy"] = result.Curves["test_accuracy"].Values[^1];
        }
        // A finished run is recorded by the caller; its checkpoint would only take disk space.
        if (Checkpointing && File.Exists(options.CheckpointPath)) File.Delete(options.CheckpointPath);
    }

    // ---- checkpoints -------------------------------------------------------------------------

    void SaveCheckpoint(long step)
    {
        using var scope = NewDisposeScope();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, t) in model.state_dict()) tensors.Add(new($"model.{name}", t));
        foreach (var (name, t) in optimizer!.state_dict()) tensors.Add(new($"optimizer.{name}", t));
        for (int i = 0; i < ModelGenerators.Count; i++) tensors.Add(new($"generator.{i}", ModelGenerators[i].get_state()));
        tensors.Add(new("probe.Z0", z0!));
        if (ntk0 is not null) tensors.Add(new("probe.ntk0", ntk0));
        var state = new CheckpointState(CheckpointState.CurrentFormat, options.ConfigHash, step,
            result.Curves, result.Scalars, result.Notes, means);
        Checkpoint.Write(options.CheckpointPath!, tensors, state);
    }

    /// <summary>The step of the checkpoint this run resumes from, or null to start over: no
    /// checkpoint, one of another configuration, or one that cannot be read (reported, never thrown).</summary>
    long? Resume()
    {
        if (!Checkpointing) return null;
        string path = options.CheckpointPath!;
        Checkpoint.DeleteStaleTemporaries(path);
        if (!File.Exists(path)) return null;

        // Restoring writes into the model and generators; keep their initial state so that a
        // checkpoint that fails half-way can be undone and the run start over from it.
        var initialModel = model.state_dict().Select(kv => (live: kv.Value, saved: kv.Value.clone().DetachFromDisposeScope())).ToList();
        var initialGenerators = ModelGenerators.Select(g => g.get_state().DetachFromDisposeScope()).ToList();
        try
        {
            var (tensors, state) = Checkpoint.Read(path);
            try
            {
                if (state.ConfigHash != options.ConfigHash)
                {
                    Report($"checkpoint {path} belongs to configuration {state.ConfigHash}, not {options.ConfigHash}: starting over from step 0 (it is replaced at the first checkpoint)");
                    return null;
                }
                Restore(path, tensors, state);
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
            Report($"resumed from checkpoint {path} at step {state.Step}");
            return state.Step;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            using (no_grad())
                foreach (var (live, saved) in initialModel) live.copy_(saved);
            for (int i = 0; i < ModelGenerators.Count; i++) ModelGenerators[i].set_state(initialGenerators[i]);
            optimizer!.Dispose();
            optimizer = NewOptimizer();
            z0?.Dispose();
            ntk0?.Dispose();
            (z0, ntk0) = (null, null);
            result = new CellResult { Device = Device.ToString() };
            means.Clear();
            Report($"checkpoint {path} cannot be resumed ({e.GetType().Name}: {e.Message}): starting over from step 0");
            return null;
        }
        finally
        {
            foreach (var (_, saved) in initialModel) saved.Dispose();
            foreach (var s in initialGenerators) s.Dispose();
        }
    }

    void Restore(string path, IReadOnlyDictionary<string, Tensor> tensors, CheckpointState state)
    {
        var modelState = new Dictionary<string, Tensor>();
        var optimizerState = new Dictionary<string, Tensor>();
        var generatorStates = new Dictionary<int, Tensor>();
        foreach (var (name, t) in tensors)
        {
            int dot = name.IndexOf('.');
            string group = dot < 0 ? name : name[..dot], rest = dot < 0 ? "" : name[(dot + 1)..];
            switch (group)
            {
                case "model": modelState[rest] = t; break;
                case "optimizer": optimizerState[rest] = t; break;
                case "generator" when int.TryParse(rest, out int i) && i >= 0 && i < ModelGenerators.Count: generatorStates[i] = t; break;
                case "probe" when rest is "Z0" or "ntk0": break;
                default: throw new InvalidDataException($"{path}: unexpected tensor '{name}' (for {ModelGenerators.Count} model generators)");
            }
        }
        if (generatorStates.Count != ModelGenerators.Count)
            throw new InvalidDataException($"{path}: holds {generatorStates.Count} generator states; the model has {ModelGenerators.Count} generators");
        if (!tensors.TryGetValue("probe.Z0", out Tensor? savedZ0) || savedZ0.shape.Length != 2 || savedZ0.shape[0] != probeInputs!.shape[0] || savedZ0.dtype != dtype)
            throw new InvalidDataException($"{path}: probe.Z0 is missing or does not fit {probeInputs!.shape[0]} probe examples of {dtype}");
        Tensor? savedNtk = tensors.GetValueOrDefault("probe.ntk0");
        long ntkSize = options.NtkExamples * savedZ0.shape[1];
        bool ntkFits = savedNtk is null ? options.NtkExamples == 0 : savedNtk.shape.SequenceEqual([ntkSize, ntkSize]);
        if (!ntkFits)
            throw new InvalidDataException($"{path}: its probe.ntk0 does not match NtkExamples = {options.NtkExamples}");

        model.load_state_dict(modelState, strict: true, origin: path);
        using (NewDisposeScope())
            optimizer!.load_state_dict(optimizerState.ToDictionary(kv => kv.Key, kv => kv.Value.to(Device)));
        foreach (var (i, s) in generatorStates) ModelGenerators[i].set_state(s);
        z0 = savedZ0.to(Device).DetachFromDisposeScope();
        ntk0 = savedNtk?.to(Device).DetachFromDisposeScope();

        result = new CellResult { Device = Device.ToString() };
        foreach (var (name, curve) in state.Curves) result.Curves[name] = curve;
        foreach (var (name, value) in state.Scalars) result.Scalars[name] = value;
        foreach (var (name, note) in state.Notes) result.Notes[name] = note;
        (means.LossSum, means.Steps, means.Correct, means.Examples) = (state.Means.LossSum, state.Means.Steps, state.Means.Correct, state.Means.Examples);
    }

    void Report(string message)
    {
        result.Notes["checkpoint"] = message;
        Log(message);
    }
}
