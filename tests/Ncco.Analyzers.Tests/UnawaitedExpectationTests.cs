using Ncco.Analyzers.Analyzers;
using Ncco.Analyzers.Tests.Verification;

namespace Ncco.Analyzers.Tests;

public class UnawaitedExpectationTests
{
    private static readonly UnawaitedExpectationAnalyzer Analyzer = new();

    /// <summary>A stand-in for the virtual-caller DSL (written in parallel), with both ways of marking expectations.</summary>
    private const string StandIn = """
        using System;
        using System.Threading.Tasks;

        namespace Ncco.Testing
        {
            [AttributeUsage(AttributeTargets.Method)]
            public sealed class ExpectationAttribute : Attribute { }

            public sealed class VirtualCall
            {
                public Task Hears(string text) => Task.CompletedTask;
                public ValueTask<string> ReceivesInput() => default;
                public Task Press(string digits) => Task.CompletedTask;
                public void Log(string text) { }
            }

            public static class CallExtensions
            {
                public static Task HangsUp(this VirtualCall call) => Task.CompletedTask;
            }
        }

        namespace Other
        {
            public static class Helpers
            {
                [Ncco.Testing.Expectation]
                public static Task ExpectGreeting(Ncco.Testing.VirtualCall call) => call.Hears("hello");
                public static Task Unrelated() => Task.CompletedTask;
            }
        }
        """;

    private static VerifyOptions Options => new() { ExtraSources = [StandIn] };

    [Fact]
    public void Dropped_expectations_are_reported()
    {
        Verify.Diagnostics("""
            using System.Threading.Tasks;
            using Ncco.Testing;
            using Other;

            public class IvrTests
            {
                public async Task Sales(VirtualCall call)
                {
                    [|call.Hears("sales")|];
                    [|call.ReceivesInput()|];
                    [|call.HangsUp()|];
                    [|Helpers.ExpectGreeting(call)|];
                    await call.Press("1");
                }

                public void NotAsync(VirtualCall call)
                {
                    [|call.Hears("support")|];
                }
            }
            """, [Analyzer], "NCCO030", Options);
    }

    [Fact]
    public void Awaited_returned_discarded_or_stored_expectations_are_fine()
    {
        Verify.Diagnostics("""
            using System.Threading.Tasks;
            using Ncco.Testing;
            using Other;

            public class IvrTests
            {
                public async Task Sales(VirtualCall call)
                {
                    await call.Hears("sales");
                    _ = call.Hears("background");
                    var pending = call.Press("1");
                    await pending;
                    call.Log("not a task");
                    await Helpers.Unrelated();
                    Helpers.Unrelated();
                }

                public Task Returned(VirtualCall call) => call.Hears("x");
            }
            """.Replace("Helpers.Unrelated();\n", "Helpers.Unrelated();\n"), [Analyzer], options: Options);
    }

    [Fact]
    public void Nothing_is_registered_without_ncco_testing()
    {
        Verify.NoDiagnostics("""
            using System.Threading.Tasks;
            public class T
            {
                public void M() { Task.Delay(1); }
            }
            """, Analyzer);
    }

    [Fact]
    public void Dropped_expectations_of_the_real_virtual_caller_are_reported()
    {
        Verify.Diagnostics("""
            using System.Threading.Tasks;
            using Ncco.Testing;

            public class IvrTests
            {
                public async Task Sales(VoiceSimulator sim)
                {
                    var call = await sim.CallAsync("447700900001", "447700900000");
                    [|call.HearsAsync("Welcome")|];
                    await call.PressAsync("1");
                    var pending = call.HearsAsync("sales");
                    await pending;
                    await call.HangUpAsync();
                }
            }
            """, [Analyzer], "NCCO030", new VerifyOptions { References = References.WithTesting });
    }
}
