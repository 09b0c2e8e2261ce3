using System.Globalization;
using Ncco;
using Ncco.Calls;
using Ncco.Model;
using Ncco.Testing;
using Ncco.Webhooks;
using VmSetupQueue;

// Call setup through one application's VM under in-call load, on a simulated clock (bench/vm-setup-queue/README.md).
// The real NccoVm and scheduler run every work item; only time is simulated: in-call work arrives as items that each take
// WORK_US of the VM, a call's setup takes SETUP_US twice (sending its answer webhook, answering) and EVENT_US per event, a GC pause freezes the VM for PAUSE_MS every PAUSE_EVERY_MS, the answer webhook answers after
// WEBHOOK_MS. Reported: INVITE-to-answer time as the VM sees it (arrival posted → leg answered) and the in-call items'
// wait, p50/p95/p99/max. No wall clock is read, so the figures do not depend on the machine's load.
var cps = Arg("CPS", 500);
var seconds = Arg("SECONDS", 10);
var workPerSecond = Arg("WORK_PER_SECOND", 5000);
var workUs = Arg("WORK_US", 100);
var setupUs = Arg("SETUP_US", 150);
var eventUs = Arg("EVENT_US", 30);
var webhookUs = Arg("WEBHOOK_MS", 2) * 1000L;
var pauseUs = Arg("PAUSE_MS", 68) * 1000L;
var pauseEveryUs = Arg("PAUSE_EVERY_MS", 1000) * 1000L;
var holdUs = Arg("HOLD_MS", 3000) * 1000L;
var endUs = seconds * 1_000_000L;

var sim = new SimScheduler();
var driver = new PriorityQueue<Action, (long At, long Seq)>();
long driverSeq = 0;
void At(long at, Action action) => driver.Enqueue(action, (at, ++driverSeq));

var answerNcco = NccoBuilder.Create().Wait(30).Build();
var vm = new NccoVm(new NccoVmOptions
{
    Application = new VoiceApplication
    {
        AnswerUrl = WebhookTarget.Of("https://app.example/answer", WebhookMethod.Get),
        EventUrl = WebhookTarget.Of("https://app.example/event", WebhookMethod.Post),
    },
    Transport = new DelegateWebhookTransport((request, _) =>
    {
        // Called on the VM thread as the request is sent: building and sending it is the VM's time.
        if (request.Kind != WebhookKind.Answer)
        {
            sim.Now += eventUs;
            return Task.FromResult(WebhookResponse.Empty);
        }
        sim.Now += setupUs;
        var reply = new TaskCompletionSource<WebhookResponse>();
        At(sim.Now + webhookUs, () => reply.SetResult(WebhookResponse.Ncco(answerNcco)));
        return reply.Task;
    }),
    Scheduler = sim,
});

var answerUs = new List<long>();
var workWaitUs = new List<long>();
var arrived = 0;

void DeliverDue()
{
    while (driver.TryPeek(out var action, out var p) && p.At <= sim.Now)
    {
        driver.Dequeue();
        action();
    }
    sim.PostDueTimers();
}

void InCallWork(long due)
{
    workWaitUs.Add(sim.Now - due);
    sim.Now += workUs;
    // What happened while this item ran reaches the VM now, behind whatever is queued.
    DeliverDue();
}

void NextWork(long at)
{
    if (at >= endUs) return;
    At(at, () =>
    {
        // Timed from when it was due, not from when a pause let the simulation deliver it.
        sim.Post(() => InCallWork(at));
        NextWork(at + (1_000_000L / workPerSecond));
    });
}

void NextCall(long at)
{
    if (at >= endUs) return;
    At(at, () =>
    {
        arrived++;
        var since = at;
        var leg = new VirtualLeg(sim);
        var answered = false;
        leg.Changed += l =>
        {
            if (answered || !l.Answered) return;
            answered = true;
            answerUs.Add(sim.Now - since);
            // Reading the NCCO, answering and starting it: the VM's time after the 200 is sent.
            sim.Now += setupUs;
            At(sim.Now + holdUs, l.HangUp);
        };
        _ = vm.AcceptInboundAsync(leg, new InboundCall { From = "447700900001", To = "447700900000" });
        NextCall(at + (1_000_000L / cps));
    });
}

void NextPause(long at)
{
    if (pauseUs <= 0 || at >= endUs) return;
    // The whole process stops: the VM runs nothing until it ends, while calls and work keep arriving.
    At(at, () =>
    {
        sim.Now += pauseUs;
        NextPause(at + pauseEveryUs);
    });
}

NextWork(0);
NextCall(0);
NextPause(pauseEveryUs / 2);
while (true)
{
    DeliverDue();
    if (sim.HasRunnableWork)
    {
        sim.Drain();
        continue;
    }
    long? next = driver.TryPeek(out _, out var p) ? p.At : null;
    if (sim.NextTimer is { } timer && (next is null || timer < next)) next = timer;
    if (next is null || next > endUs + holdUs + 1_000_000L) break;
    sim.Now = Math.Max(sim.Now, next.Value);
}

var runtime = typeof(NccoVm).Assembly;
Console.WriteLine($"runtime {Path.GetFileName(runtime.Location)} {runtime.ManifestModule.ModuleVersionId}");
var busy = ((workPerSecond * (double)workUs) + (cps * ((2.0 * setupUs) + (4.0 * eventUs)))) / 10_000.0;
Console.WriteLine($"cps {cps} x {seconds} s; VM time: in-call work {workPerSecond}/s x {workUs} us, setup 2 x {setupUs} us and 4 events x {eventUs} us " +
    $"per call (VM {busy:0}% busy); webhook {webhookUs / 1000} ms; pause {pauseUs / 1000} ms every {pauseEveryUs / 1000} ms");
Console.WriteLine($"answered {answerUs.Count} of {arrived}");
Console.WriteLine($"answer ms p50 / p95 / p99 / max: {Quantiles(answerUs)}");
Console.WriteLine($"in-call work wait ms p50 / p95 / p99 / max: {Quantiles(workWaitUs)}");
return 0;

static int Arg(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

static string Quantiles(List<long> us)
{
    if (us.Count == 0) return "n/a";
    us.Sort();
    string At(double q) => (us[Math.Min(us.Count - 1, (int)Math.Ceiling(q * us.Count) - 1)] / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);
    return $"{At(0.5)} / {At(0.95)} / {At(0.99)} / {(us[^1] / 1000.0).ToString("0.0", CultureInfo.InvariantCulture)}";
}
