using System.CommandLine;

namespace Ncco.Cli.Commands;

/// <summary>The list of files and directories a command reads (<c>ncco validate</c>, <c>ncco test</c>).</summary>
internal static class FileArguments
{
    /// <summary>
    /// One or more paths. A token that starts with <c>-</c> is refused as an unknown option: otherwise a mistyped option
    /// would be taken for a file name ("cannot read --fromat"); a file named so is written <c>./-x</c>.
    /// </summary>
    public static Argument<string[]> Create(string name, string description)
    {
        var argument = new Argument<string[]>(name) { Description = description, Arity = ArgumentArity.OneOrMore };
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.Length > 1 && t.Value[0] == '-'))
            {
                result.AddError($"unknown option '{token.Value}' (a file whose name starts with '-' is written ./{token.Value})");
            }
        });
        return argument;
    }
}
