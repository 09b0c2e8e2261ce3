namespace Ncco.Runtime.Benchmarks;

internal static class TwentyActionNcco
{
    public const string Json = """
        [
          {"action":"talk","text":"Welcome to Acme Corporation. Calls may be recorded for training.","language":"en-GB","style":2},
          {"action":"record","eventUrl":["https://example.com/webhooks/recording"],"beepStart":false},
          {"action":"talk","text":"Press 1 for sales, 2 for support, 3 for billing, or say what you need.","bargeIn":true},
          {"action":"input","type":["dtmf","speech"],"dtmf":{"maxDigits":1,"timeOut":5},"speech":{"context":["sales","support","billing"],"endOnSilence":1.5,"language":"en-GB"},"eventUrl":["https://example.com/webhooks/menu"]},
          {"action":"notify","payload":{"step":"menu-done","attempt":1},"eventUrl":["https://example.com/webhooks/notify"]},
          {"action":"stream","streamUrl":["https://example.com/audio/hold.mp3"],"loop":2,"level":-0.2},
          {"action":"wait","timeout":1.5},
          {"action":"talk","text":"Please enter your account number followed by the hash key.","bargeIn":true},
          {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":10,"submitOnHash":true,"timeOut":8},"eventUrl":["https://example.com/webhooks/account"]},
          {"action":"talk","text":"<speak>Thank you. <break time='500ms'/> Connecting you now.</speak>"},
          {"action":"connect","from":"447700900000","timeout":30,"limit":3600,"eventType":"synchronous","eventUrl":["https://example.com/webhooks/connect"],"endpoint":[{"type":"phone","number":"447700900001","dtmfAnswer":"p1234#"}]},
          {"action":"talk","text":"The agent is busy. Trying the next one.","language":"en-US","style":3},
          {"action":"connect","timeout":20,"endpoint":[{"type":"sip","uri":"sip:agent@pbx.example.com","headers":{"Queue":"sales"},"standardHeaders":{"User-to-User":"342342ef34;encoding=hex"}}]},
          {"action":"connect","endpoint":[{"type":"websocket","uri":"wss://example.com/socket","content-type":"audio/l16;rate=16000","headers":{"caller":"447700900000"}}]},
          {"action":"talk","text":"Please leave a message after the tone.","loop":1,"level":0.5},
          {"action":"record","endOnSilence":3,"endOnKey":"#","timeOut":120,"beepStart":true,"format":"wav","eventUrl":["https://example.com/webhooks/voicemail"]},
          {"action":"conversation","name":"acme-support-room","startOnEnter":false,"musicOnHoldUrl":["https://example.com/audio/moh.mp3"],"canHear":["6a8c4e1a-0b2f-4bd5-a2f6-6a5d1c9e0b3c"]},
          {"action":"connect","randomFromNumber":true,"machineDetection":"continue","endpoint":[{"type":"app","user":"agent-jane"}]},
          {"action":"talk","text":"Goodbye.","premium":true,"language":"en-US","style":24},
          {"action":"transfer","conversationId":"CON-6a8c4e1a-0b2f-4bd5-a2f6-6a5d1c9e0b3c","mute":true}
        ]
        """;
}
