using System.Text;
using Ncco.Cli;

namespace Ncco.Scenarios.Tests.Support;

/// <summary>Runs the <c>ncco</c> command line in this process, capturing what it prints.</summary>
internal static class NccoCli
{
    public static async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new LockedWriter();
        var error = new LockedWriter();
        var exit = await NccoCommandLine.RunAsync(args, new CliConsole(TextReader.Null, output, error));
        return (exit, output.Text, error.Text);
    }
}

/// <summary>A text writer another thread may read while the command writes (the --watch test polls it).</summary>
internal sealed class LockedWriter : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_text) return _text.ToString();
        }
    }

    public override void Write(char value)
    {
        lock (_text) _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_text) _text.Append(value);
    }
}
