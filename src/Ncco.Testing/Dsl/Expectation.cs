using System.Runtime.CompilerServices;

namespace Ncco.Testing;

/// <summary>
/// A step of a simulated call (an expectation or a party action). Nothing happens until it is awaited; the simulator
/// fails the test at dispose if one was created but never awaited — a missing <c>await</c> cannot pass silently.
/// </summary>
public class Expectation
{
    private readonly Func<Task>? _body;
    private Task? _task;

    internal Expectation(string description, Func<Task>? body, string callerFile, int callerLine)
    {
        Description = description;
        _body = body;
        CallSite = $"{Path.GetFileName(callerFile)}:{callerLine}";
    }

    /// <summary>What the step does.</summary>
    public string Description { get; }

    /// <summary>Where in the test it was created.</summary>
    public string CallSite { get; }

    /// <summary>True once awaited (or converted with <see cref="AsTask"/>).</summary>
    public bool Observed { get; private set; }

    /// <summary>Runs the step.</summary>
    public Task AsTask()
    {
        Observed = true;
        return _task ??= Start();
    }

    /// <summary>Starts the step's work (once).</summary>
    private protected virtual Task Start() => _body!();

    /// <summary>Awaits the step.</summary>
    public TaskAwaiter GetAwaiter() => AsTask().GetAwaiter();

    /// <summary>
    /// Runs the step as a <see cref="Task"/>, so it goes where a test framework takes a <c>Func&lt;Task&gt;</c>:
    /// <c>await Assert.ThrowsAsync&lt;VoiceExpectationException&gt;(() =&gt; call.HearsAsync("Goodbye"))</c>.
    /// </summary>
    public static implicit operator Task(Expectation expectation)
    {
        ArgumentNullException.ThrowIfNull(expectation);
        return expectation.AsTask();
    }
}

/// <summary>A step that produces a value (e.g. the outbound party a connect created).</summary>
public sealed class Expectation<T> : Expectation
{
    private readonly Func<Task<T>> _body;
    private Task<T>? _task;

    internal Expectation(string description, Func<Task<T>> body, string callerFile, int callerLine)
        : base(description, null, callerFile, callerLine) => _body = body;

    private protected override Task Start() => _task ??= _body();

    /// <summary>Runs the step.</summary>
    public new Task<T> AsTask()
    {
        base.AsTask();
        return _task!;
    }

    /// <summary>Awaits the step.</summary>
    public new TaskAwaiter<T> GetAwaiter() => AsTask().GetAwaiter();

    /// <summary>Runs the step as a <see cref="Task{TResult}"/> (see <see cref="Expectation"/>'s conversion).</summary>
    public static implicit operator Task<T>(Expectation<T> expectation)
    {
        ArgumentNullException.ThrowIfNull(expectation);
        return expectation.AsTask();
    }

    // Declared again for this type: with only the base's operator and the one above, converting an Expectation<T> to
    // Task would be ambiguous (C# picks no user-defined conversion when none has both the most specific source and
    // target).
    /// <summary>Runs the step as a <see cref="Task"/> (see <see cref="Expectation"/>'s conversion).</summary>
    public static implicit operator Task(Expectation<T> expectation)
    {
        ArgumentNullException.ThrowIfNull(expectation);
        return expectation.AsTask();
    }
}

/// <summary>An expectation about a call did not come true; the message has expected vs actual and the call log.</summary>
public sealed class VoiceExpectationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VoiceExpectationException(string message) : base(message)
    {
    }
}

/// <summary>Thrown at simulator dispose when a step was created but never awaited.</summary>
public sealed class UnawaitedExpectationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnawaitedExpectationException(string message) : base(message)
    {
    }
}
