using Ncco.Cli;

return NccoCommandLine.Create(new CliConsole(Console.In, Console.Out, Console.Error)).Parse(args).Invoke();
