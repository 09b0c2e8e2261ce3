namespace Ncco.Model.Actions;

/// <summary>Transcription of a recording (on <c>record</c> and <c>conversation</c>).</summary>
public sealed record TranscriptionSettings
{
    /// <summary>Transcription language (BCP-47). Default <c>en-US</c>.</summary>
    public string Language { get; init; } = TalkAction.DefaultLanguage;

    /// <summary>Transcription-ready webhook; absent means the call's event URL.</summary>
    public Uri? EventUrl { get => _eventUrl.Value; init => _eventUrl = new(value); }

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="EventUrl"/> is read.</summary>
    internal LazyUrl LazyEventUrl { init => _eventUrl = value; }

    private LazyUrl _eventUrl;

    /// <summary>Webhook method. Default POST.</summary>
    public WebhookMethod EventMethod { get; init; } = WebhookMethod.Post;

    /// <summary>Add a sentiment score (−1…1) per segment. Default false.</summary>
    public bool SentimentAnalysis { get; init; }
}
