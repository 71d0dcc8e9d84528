namespace Repro.Torch.Modules;

/// <summary>
/// A layer or a model: parameters, buffers and submodules registered by name, in the order of
/// registration (the order of state_dict, as in PyTorch). Parameters and buffers are kept out
/// of dispose scopes: the module owns them and Dispose frees them.
/// </summary>
public abstract class Module : IDisposable
{
    readonly List<(string name, Tensor tensor)> ownParameters = [];
    readonly List<(string name, Tensor tensor)> ownBuffers = [];
    readonly List<(string name, Module module)> children = [];
    bool disposed;

    public bool training { get; private set; } = true;

    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.DetachFromDisposeScope().requires_grad = true;
        ownParameters.Add((name, tensor));
        return tensor;
    }

    protected Tensor RegisterBuffer(string name, Tensor tensor)
    {
        CheckName(name);
        ownBuffers.Add((name, tensor.DetachFromDisposeScope()));
        return tensor;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"'{name}' is not a valid name (non-empty, no dots)", nameof(name));
        if (ownParameters.Any(p => p.name == name) || ownBuffers.Any(b => b.name == name) || children.Any(m => m.name == name))
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'", nameof(name));
    }

    public IEnumerable<(string name, Module module)> named_children() => children;

    /// <summary>This module ("") and every descendant, with dotted names.</summary>
    public IEnumerable<(string name, Module module)> named_modules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, m) in children)
            foreach (var sub in m.named_modules(Join(prefix, name)))
                yield return sub;
    }

    public IEnumerable<(string name, Tensor parameter)> named_parameters() =>
        named_modules().SelectMany(m => m.module.ownParameters.Select(p => (Join(m.name, p.name), p.tensor)));

    public IReadOnlyList<Tensor> parameters() => named_parameters().Select(p => p.parameter).ToList();

    public IEnumerable<(string name, Tensor buffer)> named_buffers() =>
        named_modules().SelectMany(m => m.module.ownBuffers.Select(b => (Join(m.name, b.name), b.tensor)));

    static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    /// <summary>Parameters then buffers of each module, depth first: the live tensors, not copies
    /// (do not dispose them).</summary>
    public OrderedDictionary<string, Tensor> state_dict()
    {
        var dict = new OrderedDictionary<string, Tensor>();
        foreach (var (prefix, m) in named_modules())
        {
            foreach (var (name, t) in m.ownParameters) dict.Add(Join(prefix, name), t);
            foreach (var (name, t) in m.ownBuffers) dict.Add(Join(prefix, name), t);
        }
        return dict;
    }

    /// <summary>Copies values into this module's parameters and buffers. Every name and shape is
    /// checked before anything is copied, so a bad checkpoint changes nothing.</summary>
    public void load_state_dict(IReadOnlyDictionary<string, Tensor> source, bool strict = true, string? origin = null)
    {
        string from = origin is null ? "" : $" (from {origin})";
        var own = state_dict();
        if (strict)
        {
            var missing = own.Keys.Where(k => !source.ContainsKey(k)).ToList();
            var unexpected = source.Keys.Where(k => !own.ContainsKey(k)).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new TorchException($"load_state_dict{from} into {GetType().Name}: " +
                    (missing.Count > 0 ? $"missing keys [{string.Join(", ", missing)}] " : "") +
                    (unexpected.Count > 0 ? $"unexpected keys [{string.Join(", ", unexpected)}]" : ""));
        }
        foreach (var (name, target) in own)
        {
            if (!source.TryGetValue(name, out Tensor? value)) continue;
            if (!value.shape.SequenceEqual(target.shape))
                throw new TorchException($"load_state_dict{from}: '{name}' has shape [{string.Join(", ", target.shape)}] in {GetType().Name} but [{string.Join(", ", value.shape)}] in the source");
        }
        using (torch.no_grad())
            foreach (var (name, target) in own)
                if (source.TryGetValue(name, out Tensor? value))
                    target.copy_(value);
    }

    /// <summary>Saves the state dict as a safetensors file (loadable by PyTorch).</summary>
    public void save(string path) => Safetensors.Save(path, state_dict());

    /// <summary>Loads a safetensors file written by <see cref="save"/> or by PyTorch.</summary>
    public void load(string path, bool strict = true)
    {
        var loaded = Safetensors.Load(path);
        try { load_state_dict(loaded, strict, path); }
        finally { foreach (var t in loaded.Values) t.Dispose(); }
    }

    public Module train(bool on = true)
    {
        foreach (var (_, m) in named_modules()) m.training = on;
        return this;
    }

    public Module eval() => train(false);

    /// <summary>Converts the floating-point parameters and buffers (not integer counters).</summary>
    public Module to(ScalarType dtype)
    {
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"modules hold floating-point parameters; {dtype} is not one", nameof(dtype));
        return Apply(t => t.dtype.IsFloatingPoint() ? t.to(dtype) : null);
    }

    public Module to(Device device) => Apply(t => t.to(device));

    // Replaces what each tensor holds, keeping the Tensor objects, so fields stay valid.
    Module Apply(Func<Tensor, Tensor?> convert)
    {
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
            foreach (var (_, t) in state_dict())
                if (convert(t) is { } converted)
                    t.set_data(converted);
        return this;
    }

    public void zero_grad()
    {
        foreach (var p in parameters()) p.clear_grad();
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var (_, m) in children) m.Dispose();
        foreach (var (_, t) in ownParameters) t.Dispose();
        foreach (var (_, t) in ownBuffers) t.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A module with one forward function.</summary>
public abstract class Module<TInput, TOutput> : Module
{
    public abstract TOutput forward(TInput input);

    public TOutput call(TInput input) => forward(input);
}
