namespace Ncco.Model.Actions;

/// <summary>The wire names of the built-in actions.</summary>
public static class ActionNames
{
    /// <summary><c>record</c></summary>
    public const string Record = "record";
    /// <summary><c>conversation</c></summary>
    public const string Conversation = "conversation";
    /// <summary><c>connect</c></summary>
    public const string Connect = "connect";
    /// <summary><c>talk</c></summary>
    public const string Talk = "talk";
    /// <summary><c>stream</c></summary>
    public const string Stream = "stream";
    /// <summary><c>input</c></summary>
    public const string Input = "input";
    /// <summary><c>notify</c></summary>
    public const string Notify = "notify";
    /// <summary><c>wait</c></summary>
    public const string Wait = "wait";
    /// <summary><c>transfer</c></summary>
    public const string Transfer = "transfer";
}
