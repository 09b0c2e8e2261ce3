namespace Ncco.Media.Benchmarks;
internal static class TtsLoad
{
    public static Task RunAsync() => Task.CompletedTask;
}
