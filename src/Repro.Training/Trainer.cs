using Repro.Data;
using Repro.Dynamics;
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
/// <item>Curves at the probe steps (<see cref="TrainerOptions.Probes"/>: every step at first, then
/// geometric, whatever LogEvery is), through <see cref="ProbeLog"/>: r, entropy, probe_loss, and
/// probe_accuracy; ntk_change (||Theta_t - Theta_0|| / ||Theta_0|| on the first NtkExamples probe
/// examples) at the kernel's own probe steps (<see cref="TrainerOptions.NtkProbes"/>).</item>
/// <item>Curves at the probe steps before the last, for the update from each to the next:
/// entropy_change (measured) and entropy_change_cov (the covariance law's first-order prediction,
/// <see cref="EntropyCovariance"/>); at the end their ratio's median and quartiles, entropy_cov_ratio_*.</item>
/// <item>t_saturate: when the mean entropy falls to ln K / 2 (censored like the other timescales).</item>
/// <item>Curves every LogEvery steps: train_loss, train_accuracy, means over the training steps
/// since the previous log.</item>
/// <item>Curves at every evaluation: val_loss, val_accuracy (the held-out validation split),
/// test_loss, test_accuracy.</item>
/// <item>Scalars at the end: t_learn (r reaches 0.5) and t_nl_ntk (the kernel moved by 10%), each
/// measured between two probes or censored (<see cref="Crossing"/>), none for a diverged run;
/// final_test_loss (the test NLL), final_test_accuracy, peak_test_accuracy and its step; and
/// calibration: test_ece, the temperature t_star fitted on the validation split, and
/// test_nll_t_star, test_ece_t_star.</item>
/// </list>
/// A NaN or infinite training loss at step t ends the run as diverged at t, keeping the curves so
/// far (a result, not an exception). With checkpoints on, a run that was killed or cancelled
/// resumes from its last checkpoint and produces the curves and weights of an uninterrupted run.
/// The file reads in the order of a run: <see cref="Run"/> (set-up, the loop, the end), then what
/// one step of the loop does (the update, the probes, the training log), evaluation, checkpoints,
/// the start (step 0) and the end of a run, and the inputs' checks and moves to the device.
/// </summary>
public sealed class Trainer(Module<Tensor, Tensor> model, TrainingData data, TrainerOptions options)
{
    /// <summary>The model's final layer, needed when <see cref="TrainerOptions.LogitScale"/> is set.</summary>
    public Linear? LogitLayer { get; init; }

    /// <summary>Generators the model draws from while training (dropout masks): their states go
    /// into checkpoints so that a resumed run draws the same masks.</summary>
    public IReadOnlyList<Generator> ModelGenerators { get; init; } = [];

    /// <summary>Where Noisy Softmax draws its noise (one standard normal per example and step); one
    /// of <see cref="ModelGenerators"/>, so that a resumed run draws the same noise.</summary>
    public Generator? NoiseGenerator { get; init; }

    /// <summary>Called at every logged step with the training loss and accuracy since the last log
    /// (at step 0: on the probe batch).</summary>
    public Action<RunProgress>? Progress { get; init; }

    /// <summary>Where the trainer says what it did with a checkpoint (resumed, or why not).</summary>
    public Action<string> Log { get; init; } = message => Console.Error.WriteLine(message);

    // The run's state, all of it saved in a checkpoint.
    RunResult result = new();
    readonly TrainingMeans means = new();
    Tensor? z0, ntk0;                     // Z0 = beta z0 on the probe batch, Theta_0
    SGD? optimizer;

    // Beta z at the last probe step, kept for the update from it; not in a checkpoint (a resumed
    // run measures it again, the same forward of the same weights).
    Tensor? probeLogits;

    // Set once when Run starts.
    Tensor? probeInputs, probeLabels;     // the probe batch, on the device
    ScalarType dtype;                     // the model's floating-point type, which inputs are cast to
    HashSet<long> probeSteps = [], ntkSteps = [];
    List<Dropout> dropouts = [];          // switched on and off by DropoutPhase
    bool started;

    ProbeLog ProbeLog => new(result.Curves);

    double Beta => options.Beta;
    Device Device => options.Device;
    bool Checkpointing => options.CheckpointEvery > 0;

    double LearningRate(long step) => options.Eta * options.Schedule.At(step);

    public RunResult Run(CancellationToken cancellation = default)
    {
        if (started) throw new InvalidOperationException("a Trainer runs once; make a new one for another run");
        started = true;
        CheckInputs();
        if (Device.Type == DeviceType.CUDA) torch.cuda.set_policy(options.Cuda);
        model.to(Device);
        model.train();
        dtype = model.parameters().Select(p => p.dtype).First(t => t.IsFloatingPoint());
        result.Device = Device.ToString();
        try
        {
            probeInputs = OnDevice(data.Probe.Inputs).DetachFromDisposeScope();
            probeLabels = OnDevice(data.Probe.Labels).DetachFromDisposeScope();
            optimizer = NewOptimizer();
            probeSteps = [.. options.Probes.Steps(options.Steps)];
            ntkSteps = options.NtkExamples > 0 ? [.. options.NtkProbes.Steps(options.Steps)] : [];
            long step = Resume() ?? Start();

            using var batches = data.Train(step);
            while (step < options.Steps)
            {
                if (cancellation.IsCancellationRequested)
                {
                    if (Checkpointing) SaveCheckpoint(step);
                    cancellation.ThrowIfCancellationRequested();
                }
                // From a probe step, the update's entropy change beside the covariance law's
                // prediction, from the probe's logits before and after it (those the probes
                // measured, when the next step is a probe step too).
                using (Tensor? before = probeSteps.Contains(step) ? TakeProbeLogits() : null)
                {
                    double loss;
                    using (var batch = batches.Next()) loss = TrainStep(step, batch);
                    if (!double.IsFinite(loss))
                    {
                        result.Diverged(step);
                        break;
                    }
                    step++;
                    if (probeSteps.Contains(step) || ntkSteps.Contains(step)) Probe(step);
                    if (before is not null)
                    {
                        Tensor after = probeLogits ?? ProbeLogits();
                        try { ProbeLog.Update(step - 1, before, after); }
                        finally { if (!ReferenceEquals(after, probeLogits)) after.Dispose(); }
                    }
                }
                if (step % options.LogEvery == 0 || step == options.Steps) LogTraining(step);
                if ((options.EvalEvery > 0 && step % options.EvalEvery == 0) || step == options.Steps) Evaluate(step);
                if (Checkpointing && step % options.CheckpointEvery == 0 && step < options.Steps) SaveCheckpoint(step);
            }
            Finish();
            return result;
        }
        finally
        {
            optimizer?.Dispose();
            foreach (var t in new[] { probeInputs, probeLabels, z0, ntk0, probeLogits }) t?.Dispose();
        }
    }

    // ---- one step: the update, the probes, the training log ------------------------------

    /// <summary>One update on the step's batch; returns its loss (NaN or infinite: no update).</summary>
    double TrainStep(long step, Batch batch)
    {
        using var scope = NewDisposeScope();
        optimizer!.lr = LearningRate(step);
        optimizer.zero_grad();
        bool dropout = DropoutOn(step);
        foreach (var d in dropouts) d.train(dropout);
        Tensor y = OnDevice(batch.Labels);
        Tensor z = model.forward(OnDevice(batch.Inputs));
        double alpha = options.NoisySoftmax?.AlphaAt(step) ?? 0;
        Tensor loss = alpha > 0
            ? NoisySoftmax.Loss(z, y, Beta, alpha, OnDevice(randn([y.shape[0]], NoiseGenerator!, ScalarType.Float64)), options.LabelSmoothing)
            : BetaCrossEntropy.Loss(z, y, Beta, options.LabelSmoothing);
        // The loss and the hit count come back in one read, the step's one wait for the device (on
        // CUDA a second read after the update would stall the next step's launches behind it).
        Tensor correct = z.argmax(1).eq(y).sum();
        double[] read = stack([loss.detach().to(ScalarType.Float64), correct.to(ScalarType.Float64)]).to(Device.CPU).ToArray<double>();
        double value = read[0];
        if (!double.IsFinite(value)) return value;
        loss.backward();
        optimizer.step();
        means.Add(value, (long)read[1], y.shape[0]);
        return value;
    }

    bool DropoutOn(long step) => options.DropoutPhase switch
    {
        DropoutPhase.Early => step < options.DropoutSwitch,
        DropoutPhase.Late => step >= options.DropoutSwitch,
        _ => true,
    };

    /// <summary>At a probe step the probe quantities, at a kernel probe step the kernel's relative
    /// change (at step 0 its initial value, Theta_0); one forward of the probe batch for both.</summary>
    void Probe(long step)
    {
        bool kernel = ntkSteps.Contains(step);
        using (NewDisposeScope())
        using (var mode = new ProbeMode(model))
        {
            Tensor z;
            using (no_grad()) z = kernel ? mode.FixStatistics(() => model.forward(probeInputs!)) : model.forward(probeInputs!);
            if (probeSteps.Contains(step))
            {
                ProbeLog.Logits(step, z * Beta, z0!, probeLabels!);
                // Kept for the entropy law's next update; a kernel step's forward fixes batch norm's
                // statistics differently, so that update measures its own.
                probeLogits?.Dispose();
                probeLogits = kernel ? null : (z * Beta).DetachFromDisposeScope();
                result.Curve("probe_accuracy").Add(step, (double)Correct(z, probeLabels!) / probeLabels!.shape[0]);
            }
            if (kernel)
            {
                Tensor theta = EmpiricalNtk.Of(model, probeInputs!.narrow(0, 0, options.NtkExamples));
                ntk0 ??= theta.clone().DetachFromDisposeScope();
                ProbeLog.Ntk(step, theta, ntk0);
            }
        }
    }

    /// <summary>The probe step's logits for the update from it: those its probe kept, or (the first
    /// step after a resume, whose probe ran before the checkpoint) measured again, the same forward.</summary>
    Tensor TakeProbeLogits()
    {
        Tensor logits = probeLogits ?? ProbeLogits();
        probeLogits = null;
        return logits;
    }

    /// <summary>The probe batch's scaled logits beta z, in the probe's mode, without a graph.</summary>
    Tensor ProbeLogits()
    {
        using var scope = NewDisposeScope();
        using var mode = new ProbeMode(model);
        using var noGrad = no_grad();
        return (model.forward(probeInputs!) * Beta).DetachFromDisposeScope();
    }

    /// <summary>The training means since the last log (at step 0: the probe batch's loss and
    /// accuracy) and the progress report.</summary>
    void LogTraining(long step)
    {
        var (loss, accuracy) = means.Steps > 0 ? (means.Loss, means.Accuracy)
            : (result.Curves[ProbeLog.Loss].Values[^1], result.Curves["probe_accuracy"].Values[^1]);
        if (means.Steps > 0)
        {
            result.Curve("train_loss").Add(step, loss);
            result.Curve("train_accuracy").Add(step, accuracy);
        }
        means.Clear();
        Progress?.Invoke(new RunProgress(step, options.Steps, new Dictionary<string, double> { ["loss"] = loss, ["accuracy"] = accuracy }));
    }

    // ---- evaluation ----------------------------------------------------------------------

    /// <summary>
    /// Loss (THEORY.md's L, no label smoothing: the NLL) and accuracy over the whole validation and
    /// test splits, in eval mode (batch norm's running statistics, no dropout). At the last step also
    /// calibration: the test split's ECE, the post-hoc temperature T* that minimises the validation
    /// split's NLL, and the test NLL and ECE at T*.
    /// </summary>
    void Evaluate(long step)
    {
        bool last = step == options.Steps;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (validation, logits, labels) = Measure(data.Validation(), "validation", [1], keepLogits: last);
            result.Curve("val_loss").Add(step, validation[0].Nll);
            result.Curve("val_accuracy").Add(step, validation[0].Accuracy);
            double tStar = 1;
            bool atBound = false;
            if (last) tStar = Calibration.FitTemperature(logits!, labels!, out atBound);
            var (test, _, _) = Measure(data.Test(), "test", last ? [1, tStar] : [1], keepLogits: false);
            result.Curve("test_loss").Add(step, test[0].Nll);
            result.Curve("test_accuracy").Add(step, test[0].Accuracy);
            if (!last) return;
            result.Scalars["test_ece"] = test[0].Ece;
            result.Scalars["t_star"] = tStar;
            result.Scalars["test_nll_t_star"] = test[1].Nll;
            result.Scalars["test_ece_t_star"] = test[1].Ece;
            result.Notes["t_star"] = $"fitted on the validation split ({validation[0].Count} examples held out of the training data), " +
                "minimising its NLL over T in [1e-3, 1e3]" + (atBound ? "; at the end of that range (the NLL still falls beyond): a bound" : "");
        }
        finally
        {
            model.train();
        }
    }

    /// <summary>NLL, accuracy and calibration of the split at each temperature, and its scaled logits
    /// and labels (float64, on the CPU) when kept; disposed with the caller's scope.</summary>
    (Calibration[] meters, Tensor? logits, Tensor? labels) Measure(IEnumerable<Batch> batches, string split, double[] temperatures, bool keepLogits)
    {
        var meters = temperatures.Select(t => new Calibration(t)).ToArray();
        var (kept, keptLabels) = (new List<Tensor>(), new List<Tensor>());
        foreach (var batch in batches)
        {
            using var owned = batch;
            using var scope = NewDisposeScope();
            Tensor y = OnDevice(batch.Labels);
            Tensor scaled = model.forward(OnDevice(batch.Inputs)) * Beta;
            foreach (var meter in meters) meter.Add(scaled, y);
            if (keepLogits)
            {
                kept.Add(scaled.to(ScalarType.Float64).to(Device.CPU).MoveToOuterDisposeScope());
                keptLabels.Add(batch.Labels.to(Device.CPU).clone().MoveToOuterDisposeScope());
            }
        }
        if (meters[0].Count == 0) throw new InvalidOperationException($"the {split} split is empty: there is nothing to evaluate");
        return keepLogits ? (meters, cat(kept), cat(keptLabels)) : (meters, null, null);
    }

    static long Correct(Tensor z, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return (long)z.argmax(1).eq(labels).sum().item();
    }

    // ---- checkpoints ---------------------------------------------------------------------

    void SaveCheckpoint(long step)
    {
        using var scope = NewDisposeScope();
        var tensors = new CheckpointTensors(model.state_dict(), optimizer!.state_dict(),
            ModelGenerators.Select(g => g.get_state()).ToList(), z0!, ntk0);
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
            using (tensors)
            {
                if (state.ConfigHash != options.ConfigHash)
                {
                    Report($"checkpoint {path} belongs to configuration {state.ConfigHash}, not {options.ConfigHash}: starting over from step 0 (it is replaced at the first checkpoint)");
                    return null;
                }
                Restore(path, tensors, state);
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
            result = new RunResult { Device = Device.ToString() };
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

    void Restore(string path, CheckpointTensors tensors, CheckpointState state)
    {
        if (tensors.Generators.Count != ModelGenerators.Count)
            throw new InvalidDataException($"{path}: holds {tensors.Generators.Count} generator states; the model has {ModelGenerators.Count} generators");
        Tensor savedZ0 = tensors.Z0;
        if (savedZ0.shape.Length != 2 || savedZ0.shape[0] != probeInputs!.shape[0] || savedZ0.dtype != dtype)
            throw new InvalidDataException($"{path}: probe.Z0 does not fit {probeInputs!.shape[0]} probe examples of {dtype}");
        Tensor? savedNtk = tensors.Ntk0;
        long ntkSize = options.NtkExamples * savedZ0.shape[1];
        bool ntkFits = savedNtk is null ? options.NtkExamples == 0 : savedNtk.shape.SequenceEqual([ntkSize, ntkSize]);
        if (!ntkFits)
            throw new InvalidDataException($"{path}: its probe.ntk0 does not match NtkExamples = {options.NtkExamples}");

        model.load_state_dict(tensors.Model, strict: true, origin: path);
        using (NewDisposeScope())
            optimizer!.load_state_dict(tensors.Optimizer.ToDictionary(kv => kv.Key, kv => kv.Value.to(Device)));
        for (int i = 0; i < ModelGenerators.Count; i++) ModelGenerators[i].set_state(tensors.Generators[i]);
        z0 = savedZ0.to(Device).DetachFromDisposeScope();
        ntk0 = savedNtk?.to(Device).DetachFromDisposeScope();

        result = new RunResult { Device = Device.ToString() };
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

    // ---- the start and the end of a run --------------------------------------------------

    /// <summary>Step 0 of a fresh run: the logit scale, then THEORY.md's initial quantities.</summary>
    long Start()
    {
        long probeCount = probeInputs!.shape[0];
        result.Notes["probe"] = $"{probeCount} fixed examples; batch norm uses the probe batch's own statistics (as training does) " +
            "and its running statistics are restored after every probe; dropout is off";
        result.Notes["probe_steps"] = options.Probes.Describe(options.Steps);
        if (options.LabelSmoothing > 0) result.Notes["label_smoothing"] = $"{options.LabelSmoothing} on the training loss only (probes and evaluations: the NLL)";
        if (options.NoisySoftmax is { } noisy) result.Notes["noisy_softmax"] = $"{noisy} (the training loss only; probes and evaluations without noise)";
        if (options.DropoutPhase != DropoutPhase.Whole)
            result.Notes["dropout_phase"] = options.DropoutPhase == DropoutPhase.Early
                ? $"early dropout: the model's dropout on for steps 0 to {options.DropoutSwitch - 1}, off from step {options.DropoutSwitch}"
                : $"late dropout: the model's dropout off for steps 0 to {options.DropoutSwitch - 1}, on from step {options.DropoutSwitch}";
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
            // The kernel's Jacobian is NtkExamples x classes rows of every parameter: refuse one that cannot fit.
            long rows = options.NtkExamples * z0!.shape[1], parameters = model.parameters().Sum(p => p.numel());
            double gib = (double)rows * parameters * (dtype == ScalarType.Float64 ? 8 : 4) / (1L << 30);
            if (gib > 8)
                throw new ArgumentException($"trainer option NtkExamples = {options.NtkExamples}: the tangent kernel of {options.NtkExamples} examples x " +
                    $"{z0.shape[1]} classes over {parameters:N0} parameters needs a {gib:F0} GiB Jacobian (at most 8); use fewer examples or 0", nameof(options.NtkExamples));
        }
        if (options.NtkExamples > 0)
            result.Notes["ntk"] = $"empirical NTK of the first {options.NtkExamples} probe examples at {options.NtkProbes.Describe(options.Steps)}; " +
                $"batch norm held at the whole probe batch's statistics ({probeCount} examples, those the probe's forward normalizes with), " +
                "so the kernel is of the function the probe measures, with its normalization fixed (no derivative through the batch " +
                "statistics); each example is differentiated on its own";
        Probe(0);
        LogTraining(0);
        if (options.EvalEvery > 0) Evaluate(0);
        return 0;
    }

    void Finish()
    {
        ProbeLog.WriteTimescales(result.Scalars, result.Notes, diverged: result.Status == RunStatus.Diverged);
        ProbeLog.WriteEntropyLaw(result.Scalars, result.Notes);
        ProbeLog.WriteSaturation(result.Scalars, result.Notes, z0!.shape[1], diverged: result.Status == RunStatus.Diverged);
        if (result.Status == RunStatus.Complete)
        {
            var test = result.Curves["test_accuracy"];
            int peak = test.Values.IndexOf(test.Values.Max());
            result.Scalars["final_test_loss"] = result.Curves["test_loss"].Values[^1];
            result.Scalars["final_test_accuracy"] = test.Values[^1];
            result.Scalars["peak_test_accuracy"] = test.Values[peak];
            result.Scalars["peak_test_accuracy_step"] = test.Steps[peak];
        }
        // A finished run is recorded by the caller; its checkpoint would only take disk space.
        if (Checkpointing && File.Exists(options.CheckpointPath)) File.Delete(options.CheckpointPath);
    }

    // ---- inputs --------------------------------------------------------------------------

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
        if (options.NoisySoftmax is not null && (NoiseGenerator is null || !ModelGenerators.Contains(NoiseGenerator)))
            throw new ArgumentException("trainer option NoisySoftmax draws from Trainer.NoiseGenerator: set it to one of Trainer.ModelGenerators " +
                "(whose states checkpoints keep, so that a resumed run draws the same noise)", nameof(NoiseGenerator));
        dropouts = [.. model.named_modules().Select(m => m.module).OfType<Dropout>()];
        if (options.DropoutPhase != DropoutPhase.Whole && dropouts.Count == 0)
            throw new ArgumentException($"trainer option DropoutPhase = {options.DropoutPhase} switches the model's dropout, but the model has no Dropout layer", nameof(options.DropoutPhase));
    }

    SGD NewOptimizer() => new(model.parameters(), LearningRate(0), options.Momentum, dampening: 0,
        options.WeightDecay, options.Nesterov);

    /// <summary>A batch tensor on the device; floating-point inputs in the model's dtype (so a
    /// float64 model reads the float32 loaders). To a GPU through pinned memory without blocking:
    /// the step's kernels queue behind the copy, and the host goes on to the next launch.</summary>
    Tensor OnDevice(Tensor t)
    {
        using var scope = NewDisposeScope();
        Tensor typed = t.dtype.IsFloatingPoint() && t.dtype != dtype ? t.to(dtype) : t;
        Tensor moved = Device.Type == DeviceType.CUDA && typed.device.Type == DeviceType.CPU
            ? typed.pin_memory().to(Device, non_blocking: true)
            : typed.to(Device);
        return moved.MoveToOuterDisposeScope();
    }
}
