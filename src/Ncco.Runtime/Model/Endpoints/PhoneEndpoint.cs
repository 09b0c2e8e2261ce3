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
    /// <summary>Audio played to the caller while the callee's NCCO runs (legacy key <c>ringback</c>).</summary>
    public Uri? RingbackTone { get; init; }
}
