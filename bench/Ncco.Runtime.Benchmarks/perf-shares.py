#!/usr/bin/env python3
"""Where parse + validate's CPU time goes, by kind of work: reads `perf report` of a profile loop (see RESULTS.md) and
sums the self samples of each function into the categories below (first matching pattern wins). Samples of the JIT,
of start-up and of the profile loop itself are left out, so the shares are of the parse's own time.
Samples of other threads (tiered compilation, finalizer) are left out too.
Usage: perf report -i perf.data --no-children -g none --sort comm,dso,symbol --percent-limit 0 | python3 perf-shares.py [top other]"""
import re, sys

CATEGORIES = [
    ("JIT / start-up (excluded)", r"libclrjit|QuickJitted|ld-linux|corehost|hostfxr|Profile::Run|Program::"),
    ("Uri construction", r"System\.Uri|System\.Private\.Uri|UriParser|IdnMapping|DomainNameHelper|IPv4AddressHelper"),
    ("free-form JSON values (JsonDocument)", r"System\.Text\.Json|JsonElement|JsonDocument|MetadataDb"),
    ("string decoding (UTF-8 to UTF-16)", r"Utf8Utility|Latin1Utility|Ascii|UTF8Encoding|Encoding::GetString|NccoTokens::Text\b|Utf8Text::|String::Ctor|FastAllocateString|Widen"),
    ("tokenizing (scan of the bytes)", r"NccoTokens::(TryScan|Scan|ReadAll|Skip|Tokenize|Read\b|ReadText|NameBit|Grow)|Utf8Utility::GetPointerToFirstInvalidByte|NccoTokens::\.ctor|Utf8::IsValid"),
    ("allocation and GC (runtime, memset of new objects)", r"libcoreclr|memset|memmove|JIT_New|Allocat|WriteBarrier|JIT_CopiedWriteBarriers|StelemRef|ArrayPool|SharedArrayPool|TlsOverPerCoreLockedStacks|__tls_get_addr|ClearWithReferences|kernel"),
    ("per-action dispatch (action name, endpoint type)", r"NccoReader::ReadAction|NccoRuleChecker`4.*::CheckAction|NccoRuleChecker`4.*::Find\b|CheckEndpoint|NccoReader::EndpointType|NccoVerb"),
    ("number reads (checker and reader)", r"Utf8Parser|Number::|NumberToFloatingPointBits|ReadInteger|ReadNumber|ReadBoolean|TryGetInt64|TryGetDouble|TryGetInteger|TryGetNumber|TryGetBoolean|long::TryParse|Double::TryParse"),
    ("format and value rules (URLs, languages, lengths, cross-field)", r"FormatChecks|TtsLanguages|AsrLanguages|LegacyVoiceNames|CheckCrossField|CheckString|EqualsRuleValue|IndexOfEarlier|Contains\b"),
    ("checker's member walk (names, kinds, required, objects)", r"NccoRuleChecker|TokenTree|ObjectRule|PropertyRule|SpanHelpers|SequenceEqual|IndexOfAny"),
    ("reader: field lookups and record building", r"Ncco\.Verbs\.|NccoReader|NccoFieldReads|NccoNode|FindMember|NccoTokens::Url|LazyUrl|EquatableList|Ncco\.Model|NccoParser|NccoParseResult|NccoValidator|NccoTokens::(Dispose|RentDecoded|TextEquals)"),
]

totals = {name: 0.0 for name, _ in CATEGORIES}
other = {}
for line in sys.stdin:
    m = re.match(r"\s*([\d.]+)%\s+(.+?)\s{2,}(\S.*?)\s+\[[.k]\]\s+(.*)$", line)
    if not m:
        continue
    share, comm, dso, symbol = float(m.group(1)), m.group(2).strip(), m.group(3), m.group(4)
    if comm != "dotnet":
        continue
    text = dso + " " + symbol
    for name, pattern in CATEGORIES:
        if re.search(pattern, text):
            totals[name] += share
            break
    else:
        other[symbol[:90]] = other.get(symbol[:90], 0) + share
excluded = totals.pop("JIT / start-up (excluded)")
counted = sum(totals.values()) + sum(other.values())
for name, share in sorted(totals.items(), key=lambda kv: -kv[1]):
    print(f"{100 * share / counted:5.1f} %  {name}")
print(f"{100 * sum(other.values()) / counted:5.1f} %  other")
for symbol, share in sorted(other.items(), key=lambda kv: -kv[1])[:int(sys.argv[1]) if len(sys.argv) > 1 else 0]:
    print(f"        {100 * share / counted:5.2f} %  {symbol}")
print(f"(of the main thread's samples, {excluded:.1f} % of all were JIT/start-up, left out)")
