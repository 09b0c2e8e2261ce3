using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Ncco.Analyzers.Model;
using Ncco.Rules;

namespace Ncco.Analyzers.CSharp;

/// <summary>
/// Writes an NCCO value tree as a typed-builder chain (<c>NccoBuilder.Create().Talk(…).Build()</c>), or returns
/// null when any part has no builder equivalent. Values not known at compile time are copied as their C# source.
/// </summary>
internal sealed class BuilderWriter
{
    private readonly Func<NNode, string?> _source;
    private readonly StringBuilder _code = new();
    private bool _failed;

    private BuilderWriter(Func<NNode, string?> source) => _source = source;

    /// <summary>Qualified: ASP.NET Core's implicit usings bring Microsoft.AspNetCore.Http.Endpoint into scope too.</summary>
    private const string EndpointType = "Ncco.Model.Endpoints.CallEndpoint";

    public static string? Write(NNode ncco, Func<NNode, string?> source, string indent)
    {
        if (ncco.Kind != NodeKind.Array || ncco.Items is null || ncco.Items.Count == 0) return null;
        var writer = new BuilderWriter(source);
        var calls = new List<string>();
        foreach (var action in ncco.Items)
        {
            var call = writer.Action(action);
            if (call is null || writer._failed) return null;
            calls.Add(call);
        }
        var separator = calls.Count > 1 ? "\n" + indent + "    ." : ".";
        return "NccoBuilder.Create()" + separator + string.Join(separator, calls) + separator + "Build()";
    }

    private string? Action(NNode action)
    {
        if (action.Kind != NodeKind.Object || action.Members is null) return null;
        var name = action.Member("action")?.Value;
        if (name is null || !name.Known || name.Kind != NodeKind.String) return null;
        var args = new Args(this, action);
        switch (name.Text)
        {
            case "talk":
                return args.Call("Talk", ["text"], [("bargeIn", "bargeIn", Kind.Bool), ("loop", "loop", Kind.Int), ("level", "level", Kind.Number),
                    ("language", "language", Kind.String), ("style", "style", Kind.Int), ("premium", "premium", Kind.Bool)]);
            case "stream":
                return args.Call("Stream", ["streamUrl[]"], [("bargeIn", "bargeIn", Kind.Bool), ("loop", "loop", Kind.Int), ("level", "level", Kind.Number)]);
            case "wait":
                return args.Call("Wait", [], [("timeout", "seconds", Kind.Number)]);
            case "transfer":
                return args.Call("Transfer", ["conversationId"], [("canHear", "canHear", Kind.Strings), ("canSpeak", "canSpeak", Kind.Strings), ("mute", "mute", Kind.Bool)]);
            case "conversation":
                return args.Call("Conversation", ["name"], [("startOnEnter", "startOnEnter", Kind.Bool), ("endOnExit", "endOnExit", Kind.Bool),
                    ("record", "record", Kind.Bool), ("musicOnHoldUrl", "musicOnHoldUrl", Kind.Url), ("canSpeak", "canSpeak", Kind.Strings),
                    ("canHear", "canHear", Kind.Strings), ("mute", "mute", Kind.Bool), ("eventUrl", "eventUrl", Kind.Url)]);
            case "notify":
                return args.Call("Notify", ["payload!", "eventUrl[]"], []);
            case "record":
                return args.Call("Record", [], [("eventUrl", "eventUrl", Kind.Url), ("endOnSilence", "endOnSilence", Kind.Int), ("endOnKey", "endOnKey", Kind.Char),
                    ("timeOut", "timeout", Kind.Int), ("beepStart", "beepStart", Kind.Bool), ("format", "format", Kind.Format), ("channels", "channels", Kind.Int),
                    ("split", "splitConversation", Kind.Split)]);
            case "input":
                return Input(action, args);
            case "connect":
                return Connect(action, args);
        }
        return null;
    }

    private string? Input(NNode action, Args args)
    {
        var type = action.Member("type")?.Value;
        if (type?.Items is null) return null;
        var flags = new List<string>();
        foreach (var item in type.Items)
        {
            if (!item.Known || item.Kind != NodeKind.String) return null;
            flags.Add(item.Text == "dtmf" ? "InputTypes.Dtmf" : item.Text == "speech" ? "InputTypes.Speech" : "?");
        }
        if (flags.Contains("?") || flags.Count == 0) return null;
        args.Use("type");
        args.Positional(string.Join(" | ", flags));
        if (action.Member("eventUrl") is { } eventUrl)
        {
            args.Use("eventUrl");
            if (Value(eventUrl.Value, Kind.Url) is not { } url) return null;
            args.Positional(url);
        }
        if (action.Member("dtmf") is { } dtmf)
        {
            args.Use("dtmf");
            var nested = new Args(this, dtmf.Value);
            nested.Property("timeOut", "Timeout", Kind.Int);
            nested.Property("maxDigits", "MaxDigits", Kind.Int);
            nested.Property("submitOnHash", "SubmitOnHash", Kind.Bool);
            if (nested.Initializer("dtmf") is not { } code) return null;
            args.Positional(code);
        }
        if (action.Member("speech") is { } speech)
        {
            args.Use("speech");
            var nested = new Args(this, speech.Value);
            nested.Property("context", "Context", Kind.Strings);
            nested.Property("language", "Language", Kind.String);
            nested.Property("endOnSilence", "EndOnSilence", Kind.Number);
            nested.Property("startTimeout", "StartTimeout", Kind.Int);
            nested.Property("maxDuration", "MaxDuration", Kind.Int);
            nested.Property("saveAudio", "SaveAudio", Kind.Bool);
            nested.Property("sensitivity", "Sensitivity", Kind.Int);
            if (nested.Initializer("speech") is not { } code) return null;
            args.Positional(code);
        }
        args.Named("mode", "mode", Kind.Mode);
        return args.Finish("Input");
    }

    private string? Connect(NNode action, Args args)
    {
        var endpoints = action.Member("endpoint")?.Value;
        if (endpoints?.Items is not { Count: 1 } || endpoints.Items[0] is not { Kind: NodeKind.Object, Members: not null } endpoint) return null;
        var type = endpoint.Member("type")?.Value;
        if (type is null || !type.Known) return null;
        var inner = new Args(this, endpoint);
        inner.Use("type");
        string? factory = type.Text switch
        {
            "phone" => inner.Call(EndpointType + ".Phone", ["number"], [("dtmfAnswer", "dtmfAnswer", Kind.String)]),
            "app" => inner.Call(EndpointType + ".App", ["user"], []),
            "sip" => inner.Call(EndpointType + ".Sip", ["uri"], []),
            "vbc" => inner.Call(EndpointType + ".Vbc", ["extension"], []),
            "websocket" => inner.Call(EndpointType + ".WebSocket", ["uri"], [("content-type", "sampleRate", Kind.SampleRate)]),
            _ => null,
        };
        if (factory is null) return null;
        args.Use("endpoint");
        args.Positional(factory);
        return args.Call("Connect", [], [("from", "from", Kind.String), ("randomFromNumber", "randomFromNumber", Kind.Bool), ("timeout", "timeout", Kind.Int),
            ("limit", "limit", Kind.Int), ("eventUrl", "eventUrl", Kind.Url), ("eventType", "eventType", Kind.Synchronous),
            ("machineDetection", "machineDetection", Kind.MachineDetection), ("ringbackTone", "ringbackTone", Kind.String)]);
    }

    private enum Kind { String, Int, Number, Bool, Url, Strings, Char, Format, Split, Mode, Synchronous, MachineDetection, SampleRate, Any }

    /// <summary>Collects the arguments of one builder call and checks every member was used.</summary>
    private sealed class Args
    {
        private readonly BuilderWriter _owner;
        private readonly NNode _node;
        private readonly HashSet<string> _used = ["action"];
        private readonly List<string> _arguments = [];

        public Args(BuilderWriter owner, NNode node)
        {
            _owner = owner;
            _node = node;
        }

        public bool AllUsed => _node.Members is not null && _node.Members.All(m => _used.Contains(m.Name)) && !_owner._failed;

        public void Use(string name) => _used.Add(name);

        public void Positional(string code) => _arguments.Add(code);

        /// <summary>A settings object's member as <c>Name = value</c> in an object initializer.</summary>
        public void Property(string wire, string property, Kind kind)
        {
            var member = _node.Member(wire);
            if (member is null) return;
            _used.Add(wire);
            var code = _owner.Value(member.Value, kind);
            if (code is null) _owner._failed = true;
            else _arguments.Add(property + " = " + code);
        }

        /// <summary>The settings argument <c>name: new() { … }</c>, or null when a member has no equivalent.</summary>
        public string? Initializer(string parameter) =>
            AllUsed ? parameter + ": new() " + (_arguments.Count == 0 ? "{ }" : "{ " + string.Join(", ", _arguments) + " }") : null;

        public string? Call(string method, string[] positional, (string Wire, string Parameter, Kind Kind)[] named)
        {
            foreach (var name in positional)
            {
                var wire = name.TrimEnd('[', ']', '!');
                var member = _node.Member(wire);
                if (member is null) return null;
                _used.Add(wire);
                var code = name.EndsWith("[]", StringComparison.Ordinal) ? _owner.Value(member.Value, Kind.Url)
                    : name.EndsWith("!", StringComparison.Ordinal) ? _owner._source(member.Value)
                    : _owner.Value(member.Value, Kind.String);
                if (code is null) return null;
                _arguments.Add(code);
            }
            foreach (var (wire, parameter, kind) in named) Named(wire, parameter, kind);
            return Finish(method);
        }

        public void Named(string wire, string parameter, Kind kind)
        {
            var member = _node.Member(wire);
            if (member is null) return;
            _used.Add(wire);
            var code = _owner.Value(member.Value, kind);
            if (code is null) _owner._failed = true;
            else _arguments.Add(parameter + ": " + code);
        }

        public string? Finish(string method) => AllUsed ? method + "(" + string.Join(", ", _arguments) + ")" : null;
    }

    private string? Value(NNode value, Kind kind)
    {
        switch (kind)
        {
            case Kind.Url:
                if (value.Kind != NodeKind.Array || value.Items is not { Count: 1 }) return null;
                return Value(value.Items[0], Kind.String);
            case Kind.Strings:
                if (value.Kind != NodeKind.Array) return null;
                if (value.Items is null) return _source(value);
                var items = value.Items.Select(i => Value(i, Kind.String)).ToList();
                return items.Any(i => i is null) ? null : "new[] { " + string.Join(", ", items) + " }";
        }
        if (!value.Known) return value.Kind switch
        {
            NodeKind.String when kind is Kind.String => _source(value),
            NodeKind.Number when kind is Kind.Int or Kind.Number => _source(value),
            NodeKind.Boolean when kind is Kind.Bool => _source(value),
            _ => null,
        };
        switch (kind)
        {
            case Kind.String when value.Kind == NodeKind.String:
                return SymbolDisplay.FormatLiteral(value.Text!, quote: true);
            case Kind.Int when value.Kind == NodeKind.Number && value.Number == Math.Floor(value.Number) && Math.Abs(value.Number) < int.MaxValue:
                return ((long)value.Number).ToString(CultureInfo.InvariantCulture);
            case Kind.Number when value.Kind == NodeKind.Number:
                return value.Number.ToString("R", CultureInfo.InvariantCulture);
            case Kind.Bool when value.Kind == NodeKind.Boolean:
                return value.Boolean ? "true" : "false";
            case Kind.Char when value.Kind == NodeKind.String && value.Text!.Length == 1:
                return SymbolDisplay.FormatLiteral(value.Text[0], quote: true);
            case Kind.Format when value.Kind == NodeKind.String:
                return value.Text switch { "mp3" => "RecordingFormat.Mp3", "wav" => "RecordingFormat.Wav", "ogg" => "RecordingFormat.Ogg", _ => null };
            case Kind.Split when value.Kind == NodeKind.String && value.Text == "conversation":
                return "true";
            case Kind.Mode when value.Kind == NodeKind.String:
                return value.Text switch { "synchronous" => "InputMode.Synchronous", "asynchronous" => "InputMode.Asynchronous", _ => null };
            case Kind.Synchronous when value.Kind == NodeKind.String && value.Text == "synchronous":
                return "ConnectEventType.Synchronous";
            case Kind.MachineDetection when value.Kind == NodeKind.String:
                return value.Text switch { "continue" => "MachineDetectionBehavior.Continue", "hangup" => "MachineDetectionBehavior.Hangup", _ => null };
            case Kind.SampleRate when value.Kind == NodeKind.String && value.Text!.StartsWith("audio/l16;rate=", StringComparison.Ordinal):
                return value.Text.Substring("audio/l16;rate=".Length);
        }
        return null;
    }
}
