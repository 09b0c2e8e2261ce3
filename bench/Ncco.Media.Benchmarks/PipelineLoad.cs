namespace Ncco.Media.Benchmarks;
internal static class PipelineLoad
{
    public static Task RunAsync(int seconds) => Task.CompletedTask;
}
