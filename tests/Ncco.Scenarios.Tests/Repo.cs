namespace Ncco.Scenarios.Tests;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string SchemaFile => Path.Combine(Root, "schemas", "ncco-scenario.schema.json");

    public static string Corpus => Path.Combine(Root, "tests", "corpus", "scenarios");

    public static string SchemaTools => Path.Combine(Root, "tests", "schema-tools");

    public static string Examples => Path.Combine(Root, "examples");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ncco.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Ncco.sln not found above " + AppContext.BaseDirectory);
    }
}
