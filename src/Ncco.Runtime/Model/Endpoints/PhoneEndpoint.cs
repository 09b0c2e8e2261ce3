namespace Ncco.Model.Endpoints;

/// <summary>A telephone number.</summary>
/// <param name="Number">E.164 without the leading <c>+</c>, 7–15 digits.</param>
public sealed record PhoneEndpoint(string Number) : CallEndpoint
{
    /// <inheritdoc />
    public override string Type => EndpointTypes.Phone;

    /// <summary>Digits sent when the call is answered (<c>0-9 * #</c>, <c>p</c> = 500 ms pause).</summary>
    public string? DtmfAnswer { get; init; }

    /// <summary>An NCCO run on the callee's leg before it joins.</summary>
    public OnAnswer? OnAnswer { get; init; }

    /// <summary>A STIR/SHAKEN Identity header value.</summary>
    public string? Shaken { get; init; }
}

/// <summary>NCCO run on the answered leg before it is bridged (<c>onAnswer</c>).</summary>
/// <param name="Url">Where the callee's NCCO is fetched from.</param>
public sealed record OnAnswer(Uri Url)
{
    private LazyUrl _url = new(Url);

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="Url"/> is read.</summary>
    internal OnAnswer(LazyUrl url) : this((Uri)null!) => _url = url;

    /// <summary>Where the callee's NCCO is fetched from.</summary>
    public Uri Url { get => _url.Value!; init => _url = new(value); }

    /// <summary>Audio played to the caller while the callee's NCCO runs (legacy key <c>ringback</c>).</summary>
    public Uri? RingbackTone { get => _ringbackTone.Value; init => _ringbackTone = new(value); }

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="RingbackTone"/> is read.</summary>
    internal LazyUrl LazyRingbackTone { init => _ringbackTone = value; }

    private LazyUrl _ringbackTone;
}
