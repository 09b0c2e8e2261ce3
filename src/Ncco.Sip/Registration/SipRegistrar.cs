using System.Globalization;
using Ncco.Sip.Auth;
using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Registration;

/// <summary>
/// A small in-memory registrar for softphone users (RFC 3261 §10.3): digest-authenticated REGISTERs add, refresh and remove
/// bindings; a user may only register its own address of record; intervals below <see cref="MinExpires"/> get 423 and are
/// capped at <see cref="MaxExpires"/>; reordered REGISTERs on one Call-ID are refused. Expired bindings vanish on access, so
/// the registrar runs no timers. Thread-safe.
/// <para>
/// <c>Path</c> (RFC 3327) is supported: the REGISTER's Path entries are kept with each binding it makes (requests to the
/// contact are routed through them) and echoed in the 200, whether or not the phone said <c>Supported: path</c> — the
/// proxy that added them (Kamailio's <c>add_path</c>) routes the calls, so the phone need not know. At most
/// <see cref="MaxPathEntries"/> entries (a longer Path gets 400 naming it).
/// </para>
/// </summary>
public sealed class SipRegistrar
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<SipBinding>> _bindings = new(StringComparer.OrdinalIgnoreCase);
    private readonly DigestAuthenticator? _authenticator;
    private readonly TimeProvider _time;

    /// <summary>Creates a registrar; without an authenticator anyone may register any address (tests, trusted networks).</summary>
    public SipRegistrar(DigestAuthenticator? authenticator, TimeProvider time)
    {
        _authenticator = authenticator;
        _time = time;
    }

    /// <summary>Shortest interval accepted (423 below it).</summary>
    public TimeSpan MinExpires { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest interval granted.</summary>
    public TimeSpan MaxExpires { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Interval when the REGISTER names none.</summary>
    public TimeSpan DefaultExpires { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Most <c>Path</c> entries one REGISTER may carry (each is stored with every binding it makes).</summary>
    public int MaxPathEntries { get; init; } = 8;

    /// <summary>Most contacts one address of record may hold.</summary>
    public int MaxBindingsPerUser { get; init; } = 10;

    /// <summary>
    /// Called after a REGISTER changed a user's bindings, with the user and all its bindings now (empty when it has none
    /// left), so a host can keep them in a store across restarts. It runs under the registrar's lock, in the order the
    /// changes happened, so it must only hand the change on (queue it), never block or call back into the registrar.
    /// Bindings that merely lapse are not reported: a store drops them by their expiry.
    /// </summary>
    public Action<string, IReadOnlyList<SipBinding>>? BindingsChanged { get; init; }

    /// <summary>
    /// Puts back a binding kept from an earlier run (see <see cref="BindingsChanged"/>). One that has expired, or that would
    /// exceed <see cref="MaxBindingsPerUser"/>, is ignored; one for a contact already bound replaces it. Not reported.
    /// </summary>
    public void Restore(string user, SipBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        lock (_gate)
        {
            var bindings = Live(user);
            if (binding.ExpiresAt > _time.GetUtcNow())
            {
                bindings.RemoveAll(b => SameContact(b.Contact, binding.Contact));
                if (bindings.Count < MaxBindingsPerUser)
                {
                    bindings.Add(binding);
                }
            }
            if (bindings.Count == 0)
            {
                _bindings.Remove(user);
            }
        }
    }

    /// <summary>The live bindings of a user (the user part of the address of record).</summary>
    public IReadOnlyList<SipBinding> Lookup(string user)
    {
        lock (_gate)
        {
            return Live(user).ToList();
        }
    }

    /// <summary>Handles a REGISTER and returns the response to send.</summary>
    public SipResponse Handle(SipRequest register, SipEndPoint source)
    {
        var tag = SipIds.NewTag();
        string? authenticated = null;
        if (_authenticator is not null)
        {
            var verdict = _authenticator.Verify(register, out authenticated);
            if (verdict != DigestVerdict.Accepted)
            {
                return _authenticator.Challenge(register, stale: verdict == DigestVerdict.Stale, toTag: tag);
            }
        }
        var user = register.To.Uri.User;
        if (user is null)
        {
            return SipResponse.For(register, 404, "Address Of Record Has No User", tag);
        }
        if (_authenticator is not null && authenticated != user)
        {
            return SipResponse.For(register, 403, "Credentials Do Not Match The Address Of Record", tag);
        }
        var now = _time.GetUtcNow();
        var callId = register.CallId;
        var cseq = register.CSeq.Number;
        var path = register.HeaderValues(HeaderNames.Path).Select(p => NameAddress.Parse(p, HeaderNames.Path)).ToArray();
        if (path.Length > MaxPathEntries)
        {
            return SipResponse.For(register, 400, $"Path Has More Than {MaxPathEntries.ToString(CultureInfo.InvariantCulture)} Entries", tag);
        }
        if (path.Any(p => !p.Uri.IsSip))
        {
            return SipResponse.For(register, 400, "Path Entry Is Not A SIP URI", tag);
        }
        var headerExpires = register.Header(HeaderNames.Expires) is { } e && long.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        lock (_gate)
        {
            var bindings = Live(user);
            if (register.IsContactWildcard)
            {
                if (headerExpires != TimeSpan.Zero || register.HeaderValues(HeaderNames.Contact).Count() > 1)
                {
                    return SipResponse.For(register, 400, "Contact: * Needs Expires: 0 And Stands Alone", tag);
                }
                if (bindings.Any(b => b.CallId == callId && b.CSeq >= cseq))
                {
                    return SipResponse.For(register, 500, "CSeq Out Of Order", tag);
                }
                bindings.Clear();
                return Ok(register, bindings, now, tag, path);
            }
            foreach (var contact in register.Contacts)
            {
                var asked = contact.Parameters["expires"] is { } p && long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var ps)
                    ? TimeSpan.FromSeconds(ps)
                    : headerExpires ?? DefaultExpires;
                if (asked > TimeSpan.Zero && asked < MinExpires)
                {
                    return SipResponse.For(register, 423, toTag: tag)
                        .AddHeader("Min-Expires", ((long)MinExpires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
                }
                var existing = bindings.FindIndex(b => SameContact(b.Contact, contact.Uri));
                if (existing >= 0 && bindings[existing].CallId == callId && bindings[existing].CSeq >= cseq)
                {
                    return SipResponse.For(register, 500, "CSeq Out Of Order", tag);
                }
                if (existing >= 0)
                {
                    bindings.RemoveAt(existing);
                }
                if (asked > TimeSpan.Zero)
                {
                    if (bindings.Count >= MaxBindingsPerUser)
                    {
                        return SipResponse.For(register, 403, "Too Many Bindings", tag);
                    }
                    var granted = asked > MaxExpires ? MaxExpires : asked;
                    bindings.Add(new SipBinding(contact.Uri, now + granted, callId, cseq, source) { Path = path });
                }
            }
            if (bindings.Count == 0)
            {
                _bindings.Remove(user);
            }
            return Ok(register, bindings, now, tag, path);
        }
    }

    private List<SipBinding> Live(string user)
    {
        if (!_bindings.TryGetValue(user, out var list))
        {
            list = [];
            _bindings[user] = list;
        }
        list.RemoveAll(b => b.ExpiresAt <= _time.GetUtcNow());
        return list;
    }

    private static bool SameContact(SipUri a, SipUri b) =>
        a.Scheme == b.Scheme && string.Equals(a.User, b.User, StringComparison.Ordinal)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private SipResponse Ok(SipRequest register, List<SipBinding> bindings, DateTimeOffset now, string tag, NameAddress[] path)
    {
        if (bindings.Count == 0)
        {
            _bindings.Remove(register.To.Uri.User!);
        }
        BindingsChanged?.Invoke(register.To.Uri.User!, bindings.ToArray());
        // §10.3 step 8: the 200 lists every current binding with the time it has left.
        var response = SipResponse.For(register, 200, toTag: tag);
        // RFC 3327 §5.3: the 200 carries the Path the registrar stored, in order, so the phone can see its route.
        foreach (var entry in path)
        {
            response = response.AddHeader(HeaderNames.Path, entry.ToString());
        }
        foreach (var binding in bindings)
        {
            var left = Math.Max(0, (long)Math.Ceiling((binding.ExpiresAt - now).TotalSeconds));
            response = response.AddHeader(HeaderNames.Contact, $"<{binding.Contact}>;expires={left.ToString(CultureInfo.InvariantCulture)}");
        }
        return response;
    }
}
