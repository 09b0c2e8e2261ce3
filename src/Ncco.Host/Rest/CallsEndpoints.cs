using System.Globalization;
using System.Text;
using System.Text.Json;
using Ncco.Calls;
using Ncco.Events;
using Microsoft.Extensions.Options;
using Ncco.Host.Applications;
using Ncco.Host.Auth;
using Ncco.Host.Configuration;
using Ncco.Host.Calls;
using Ncco.Host.Errors;
using Ncco.Host.Http;
using Ncco.Host.Observability;

namespace Ncco.Host.Rest;

/// <summary>
/// The Voice REST API v1 (reference §3), authenticated with application JWTs. A call is visible only to the
/// application that owns it: another application's uuid answers 404, as a call in another region does on Vonage.
/// </summary>
/// <remarks>
/// <para>List links are relative (<c>/v1/calls?page_size=1&amp;record_index=2</c>), as Vonage's API specification and
/// recorded responses show; <see cref="CallsOptions.AbsoluteListLinks"/> makes them absolute for clients that need it
/// (the Node SDK's <c>getAllCalls()</c>).</para>
/// <para>A leg that ended longer ago than its application's <c>leg_persistence_time</c> (days) is no longer readable:
/// <c>GET /v1/calls/{uuid}</c> answers 404 and lists leave it out, as on Vonage, where finished legs are kept for that
/// long. An application that does not set it keeps its legs readable for as long as this host keeps them: a local
/// host is where developers look back at calls, and Vonage's own default is not agreed on (2 days in its
/// specification, 7 in its Java SDK).</para>
/// </remarks>
public static class CallsEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapCallsApi(this IEndpointRouteBuilder routes)
    {
        // Outermost first: a signed hop from another node authenticates instead of a JWT; a leg another node runs is
        // sent there once the caller is authenticated.
        var calls = routes.MapGroup("/v1/calls").AddSingletonEndpointFilter<Cluster.ClusterHopFilter>().AddSingletonEndpointFilter<ApplicationJwtFilter>()
            .AddSingletonEndpointFilter<Cluster.LegForwardingFilter>().WithTags("Calls");
        calls.MapPost("/", CreateAsync).WithName("CreateCall").WithSummary("Create an outbound call");
        calls.MapGet("/", ListAsync).WithName("ListCalls").WithSummary("List and search calls");
        // The hot path: its services (all singletons) come from the root provider, once, so a GET opens no DI scope of its
        // own (the request's scope, its feature and its dictionary were ≈ 280 of the ≈ 2,000 bytes it allocated).
        var getServices = new Lazy<GetServices>(() => GetServices.From(routes.ServiceProvider));
        calls.MapGet("/{uuid}", (string uuid, HttpContext http) => GetAsync(uuid, http, getServices.Value))
            .WithName("GetCall").WithSummary("Get a call");
        calls.MapPut("/{uuid}", ModifyAsync).WithName("ModifyCall").WithSummary("Hang up, mute, earmuff or transfer a call");
        calls.MapPut("/{uuid}/talk", TalkAsync).WithName("StartTalk").WithSummary("Speak text into a call");
        calls.MapDelete("/{uuid}/talk", StopTalkAsync).WithName("StopTalk").WithSummary("Stop speaking into a call");
        calls.MapPut("/{uuid}/stream", StreamAsync).WithName("StartStream").WithSummary("Play an audio file into a call");
        calls.MapDelete("/{uuid}/stream", StopStreamAsync).WithName("StopStream").WithSummary("Stop playing audio into a call");
        calls.MapPut("/{uuid}/dtmf", DtmfAsync).WithName("SendDtmf").WithSummary("Play DTMF tones into a call");
        calls.MapPut("/{uuid}/input/dtmf", SubscribeDtmfAsync).WithName("SubscribeDtmf").WithSummary("Send every key the party presses to a URL");
        calls.MapDelete("/{uuid}/input/dtmf", UnsubscribeDtmfAsync).WithName("UnsubscribeDtmf").WithSummary("Stop sending keys");
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, VmDirectory vms, OutboundCallRateLimiter limiter, NccoMetrics metrics, CallAdmission admission,
        IOptions<NccoHostOptions> options)
    {
        var application = ApplicationJwtFilter.ApplicationOf(http);
        var (body, failure) = await ReadJsonAsync(http);
        if (failure is not null) return failure;
        using (body)
        {
            var errors = new List<InvalidParameter>();
            var check = new RestNccoCheck(options.Value.Validation.Strict);
            var request = CreateCallBody.Read(body!.RootElement, errors, check);
            if (request is { EventUrl: null } && application.Voice?.EventUrl is null)
            {
                errors.Add(new("event_url", "is required because the application has no event webhook"));
            }
            if (request is { Ncco: null } && request.AnswerUrl is null) errors.Add(new("answer_url", "is required unless ncco is set"));
            if (errors.Count > 0 || request is null) return ErrorResults.InvalidParameters(http, "#validation", errors);
            if (vms.IsDraining) return ErrorResults.Unavailable(http, "The host is shutting down and takes no new calls.");
            if (http.RequestServices.GetService<NodeAdmission>() is { SuspendedBecause: { } suspended })
                return ErrorResults.Unavailable(http, $"This node takes no new calls: {suspended}.");
            var (acquired, retryAfter) = await limiter.TryAcquireAsync(http.RequestAborted);
            if (!acquired)
            {
                metrics.RateLimited();
                return ErrorResults.TooManyRequests(http, retryAfter, "Too many calls created per second; try again after the Retry-After delay.");
            }
            if (!admission.TryAdmit(null, "rest", out var busyFor))
            {
                http.Response.Headers.RetryAfter = ((long)busyFor.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ErrorResults.Unavailable(http, "The host has as many calls in progress as Ncco:Limits:MaxConcurrentCalls allows; try again after the Retry-After delay.");
            }

            CallLeg leg;
            try
            {
                leg = await vms.CreateCallAsync(application, request);
            }
            catch (CallStateException e)
            {
                return ErrorResults.BadRequest(http, e.Message);
            }
            if (vms.VmOfCall(leg.Id) is { } vm) await check.ReportAsync(vm, leg.Id, "POST /v1/calls");
            // With a shared store (cluster mode) the leg's row, which names this node as its owner, is written before the
            // client learns the uuid: any node asked about the leg right after the 201 finds it and where it runs. The
            // call exists either way, so a store that does not answer within 5 s (the node is about to stop taking
            // calls) delays the 201 no longer; the journal writes the row when the store is back.
            if (http.RequestServices.GetRequiredService<IOptions<NccoHostOptions>>().Value.Store.Provider != StoreProvider.Sqlite)
            {
                var time = http.RequestServices.GetRequiredService<TimeProvider>();
                await http.RequestServices.GetRequiredService<CallJournal>().FlushAsync(http.RequestAborted)
                    .WaitAsync(TimeSpan.FromSeconds(5), time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            var location = "/v1/calls/" + leg.Id;
            http.Response.Headers.Location = location;
            return Utf8JsonResult.Create(w =>
            {
                w.WriteStartObject();
                w.WriteString("uuid", leg.Id);
                w.WriteString("status", CallStatus.Started);
                w.WriteString("direction", Direction.Outbound);
                w.WriteString("conversation_uuid", leg.Conversation.Id);
                w.WriteEndObject();
            }, StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, CallJournal journal, ICallRepository repository, IOptions<NccoHostOptions> options,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var application = ApplicationJwtFilter.ApplicationOf(http);
        var errors = new List<InvalidParameter>();
        var list = VoiceApiQuery.ReadList(http.Request.Query, errors);
        var (pageSize, recordIndex) = (list.PageSize, list.RecordIndex);
        if (errors.Count > 0) return ErrorResults.InvalidParameters(http, "#validation", errors);

        var query = new CallQuery
        {
            Status = list.Status,
            DateStart = list.DateStart,
            DateEnd = list.DateEnd,
            ConversationUuid = list.ConversationUuid,
            PageSize = list.PageSize,
            RecordIndex = list.RecordIndex,
            Descending = list.Descending,
            EndedNotBefore = KeptSince(application, time),
        };
        // Everything that happened before this request is listed: wait for the journal to reach the store.
        await journal.FlushAsync(cancellationToken);
        var (items, total) = await repository.ListAsync(application.Id, query, cancellationToken);
        return Utf8JsonResult.Create(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", total);
            w.WriteNumber("page_size", pageSize);
            w.WriteNumber("record_index", recordIndex);
            w.WriteStartObject("_links");
            var origin = options.Value.Calls.AbsoluteListLinks ? http.Request.Scheme + "://" + http.Request.Host : "";
            Link(w, "self", origin + VoiceApiQuery.ListHref(list, recordIndex));
            Link(w, "first", origin + VoiceApiQuery.ListHref(list, 0));
            var lastIndex = total == 0 ? 0 : (total - 1) / pageSize * pageSize;
            Link(w, "last", origin + VoiceApiQuery.ListHref(list, lastIndex));
            if (recordIndex + pageSize < total) Link(w, "next", origin + VoiceApiQuery.ListHref(list, recordIndex + pageSize));
            if (recordIndex > 0) Link(w, "prev", origin + VoiceApiQuery.ListHref(list, Math.Max(0, recordIndex - pageSize)));
            w.WriteEndObject();
            w.WriteStartObject("_embedded");
            w.WriteStartArray("calls");
            foreach (var call in items) CallJson.Write(w, call);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static ValueTask<IResult> GetAsync(string uuid, HttpContext http, GetServices services)
    {
        // A live leg or one that ended recently is answered from memory, without a state machine; the store only for older ones.
        var id = VoiceApiQuery.Uuid(uuid);
        return services.Journal.Latest(id) is { } known
            ? ValueTask.FromResult(Answer(http, uuid, known, services.Time, services.Responses))
            : GetFromStoreAsync(http, uuid, id, services.Repository, services.Time, http.RequestAborted);
    }

    /// <summary>What <c>GET /v1/calls/{uuid}</c> reads: singletons, resolved once.</summary>
    private sealed record GetServices(CallJournal Journal, ICallRepository Repository, CallResponseCache Responses, TimeProvider Time)
    {
        public static GetServices From(IServiceProvider provider) => new(provider.GetRequiredService<CallJournal>(), provider.GetRequiredService<ICallRepository>(),
            provider.GetRequiredService<CallResponseCache>(), provider.GetRequiredService<TimeProvider>());
    }

    private static async ValueTask<IResult> GetFromStoreAsync(HttpContext http, string uuid, string id, ICallRepository repository, TimeProvider time,
        CancellationToken cancellationToken) =>
        Answer(http, uuid, await repository.FindAsync(id, cancellationToken), time, responses: null);

    /// <summary>The call, or 404; <paramref name="responses"/> caches the body of a record the journal holds (null: read from the store).</summary>
    private static IResult Answer(HttpContext http, string uuid, CallRecord? call, TimeProvider time, CallResponseCache? responses)
    {
        var application = ApplicationJwtFilter.ApplicationOf(http);
        if (call is null || call.ApplicationId != application.Id) return ErrorResults.NotFound(http, $"No call with uuid {uuid}.");
        if (call.EndTime < KeptSince(application, time))
        {
            return ErrorResults.NotFound(http,
                $"No call with uuid {uuid}: it ended more than the application's leg_persistence_time ({application.Voice!.LegPersistenceTime} days) ago.");
        }
        return responses is not null ? responses.For(call) : CallResponseCache.Write(call);
    }

    private static Task<IResult> ModifyAsync(string uuid, HttpContext http, VmDirectory vms, IOptions<NccoHostOptions> options)
    {
        var check = new RestNccoCheck(options.Value.Validation.Strict);
        return ControlAsync(http, vms, uuid, (body, errors) => ControlBodies.ReadModify(body, errors, check), async (vm, id, modify) =>
        {
            var control = vm.Control;
            switch (modify.Action)
            {
                case "hangup": await control.HangupAsync(id); break;
                case "mute": await control.MuteAsync(id); break;
                case "unmute": await control.UnmuteAsync(id); break;
                case "earmuff": await control.EarmuffAsync(id); break;
                case "unearmuff": await control.UnearmuffAsync(id); break;
                default:
                    if (modify.Ncco is { } ncco)
                    {
                        // Reported first, so the timeline reads warning, then the new NCCO's actions.
                        await check.ReportAsync(vm, id, "PUT /v1/calls/" + id);
                        await control.TransferAsync(id, ncco);
                    }
                    else
                    {
                        await control.TransferAsync(id, modify.Url!);
                    }
                    break;
            }
            return Results.NoContent();
        });
    }

    private static Task<IResult> TalkAsync(string uuid, HttpContext http, VmDirectory vms) =>
        ControlAsync(http, vms, uuid, ControlBodies.ReadTalk, async (vm, id, talk) =>
        {
            await vm.Control.TalkAsync(id, talk);
            return Message("Talk started", id);
        });

    private static Task<IResult> StopTalkAsync(string uuid, HttpContext http, VmDirectory vms) =>
        ControlAsync(http, vms, uuid, async (vm, id) =>
        {
            await vm.Control.StopTalkAsync(id);
            return Message("Talk stopped", id);
        });

    private static Task<IResult> StreamAsync(string uuid, HttpContext http, VmDirectory vms) =>
        ControlAsync(http, vms, uuid, ControlBodies.ReadStream, async (vm, id, stream) =>
        {
            await vm.Control.StreamAsync(id, stream);
            return Message("Stream started", id);
        });

    private static Task<IResult> StopStreamAsync(string uuid, HttpContext http, VmDirectory vms) =>
        ControlAsync(http, vms, uuid, async (vm, id) =>
        {
            await vm.Control.StopStreamAsync(id);
            return Message("Stream stopped", id);
        });

    private static Task<IResult> DtmfAsync(string uuid, HttpContext http, VmDirectory vms) =>
        ControlAsync(http, vms, uuid, ControlBodies.ReadDtmf, async (vm, id, digits) =>
        {
            await vm.Control.SendDtmfAsync(id, digits);
            return Message("DTMF sent", id);
        });

    private static Task<IResult> SubscribeDtmfAsync(string uuid, HttpContext http, VmDirectory vms) =>
        ControlAsync(http, vms, uuid, ControlBodies.ReadDtmfSubscription, async (vm, id, url) =>
        {
            await vm.Control.SubscribeDtmfAsync(id, url);
            return Message("DTMF listener registered", id);
        });

    private static Task<IResult> UnsubscribeDtmfAsync(string uuid, HttpContext http, VmDirectory vms) =>
        ControlAsync(http, vms, uuid, async (vm, id) =>
        {
            await vm.Control.UnsubscribeDtmfAsync(id);
            return Message("DTMF listener removed", id);
        });

    private static async Task<IResult> ControlAsync<T>(HttpContext http, VmDirectory vms, string uuid,
        Func<JsonElement, List<InvalidParameter>, T?> read, Func<NccoVm, string, T, Task<IResult>> apply)
    {
        var (body, failure) = await ReadJsonAsync(http);
        if (failure is not null) return failure;
        using (body)
        {
            var errors = new List<InvalidParameter>();
            var request = read(body!.RootElement, errors);
            if (errors.Count > 0 || request is null) return ErrorResults.InvalidParameters(http, "#validation", errors);
            return await ControlAsync(http, vms, uuid, (vm, id) => apply(vm, id, request));
        }
    }

    private static async Task<IResult> ControlAsync(HttpContext http, VmDirectory vms, string uuid, Func<NccoVm, string, Task<IResult>> apply)
    {
        var application = ApplicationJwtFilter.ApplicationOf(http);
        var vm = vms.VmOfCall(uuid);
        if (vm is null || vm.Application.ApplicationId != application.Id) return ErrorResults.NotFound(http, $"No call in progress with uuid {uuid}.");
        try
        {
            return await apply(vm, VoiceApiQuery.Uuid(uuid));
        }
        catch (CallNotFoundException)
        {
            return ErrorResults.NotFound(http, $"No call in progress with uuid {uuid}.");
        }
        catch (CallStateException e)
        {
            return ErrorResults.BadRequest(http, e.Message);
        }
    }

    private static async Task<(JsonDocument? Body, IResult? Failure)> ReadJsonAsync(HttpContext http)
    {
        var contentType = http.Request.ContentType ?? string.Empty;
        if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)) return (null, ErrorResults.UnsupportedMediaType(http));
        var (document, problem) = await Http.JsonRequestBody.ReadAsync(http.Request, http.RequestAborted);
        return problem is null ? (document, null) : (null, ErrorResults.InvalidJson(http, problem));
    }

    private static IResult Message(string message, string uuid) => Utf8JsonResult.Create(w =>
    {
        w.WriteStartObject();
        w.WriteString("message", message);
        w.WriteString("uuid", uuid);
        w.WriteEndObject();
    });



    /// <summary>The oldest end time of a leg still readable under the application's <c>leg_persistence_time</c>; null when it keeps them all.</summary>
    private static DateTimeOffset? KeptSince(Application application, TimeProvider time) =>
        application.Voice?.LegPersistenceTime is { } days ? time.GetUtcNow().AddDays(-days) : null;

    private static void Link(Utf8JsonWriter w, string rel, string href)
    {
        w.WriteStartObject(rel);
        w.WriteString("href", href);
        w.WriteEndObject();
    }
}
