using System.Text.Json;

namespace Ncco.Host.Auth;

/// <summary>
/// The <c>acl</c> claim of a Vonage JWT: which request paths (and, optionally, which HTTP methods on them) the token
/// may be used for. Shape, as Vonage's JWT guide and SDKs write it:
/// <c>{"paths": {"/*/users/**": {}, "/*/calls/**": {"methods": ["GET"]}}}</c>.
/// </summary>
/// <remarks>
/// <para>Decisions (reference §4.3, recorded here because the docs give the format, not the matching rules):</para>
/// <list type="bullet">
/// <item>A token without <c>acl</c> has full access, as on Vonage (server SDKs never add one). A token with one may
/// only reach what it lists: anything else is refused with 403 <c>forbidden</c> naming the method, the path and the
/// token's paths.</item>
/// <item>A path is matched segment by segment against the request path: <c>*</c> is exactly one segment (the API
/// version in <c>/*/calls/**</c>), <c>**</c> any number of segments including none (so <c>/*/calls/**</c> covers
/// <c>/v1/calls</c> itself), other segments literally, ignoring case as the host's routes do. A trailing slash on the
/// request is ignored.</item>
/// <item>An entry's <c>methods</c> (strings such as <c>GET</c>, any case) limits it to those methods; <c>{}</c> allows
/// every method. The Nexmo JWT libraries write exactly these two forms.</item>
/// <item>Any other member of an entry (Vonage's Conversation API documents <c>filters</c>) is a restriction this host
/// cannot honour, so the token is refused (401) naming it rather than granted more than it says.</item>
/// </list>
/// </remarks>
public sealed class JwtAcl
{
    /// <summary>Most paths read from one claim; a header is bounded anyway, this bounds the matching work.</summary>
    public const int MaxPaths = 256;

    /// <summary>Most segments in one path (request paths deeper than that never match).</summary>
    public const int MaxSegments = 32;

    private static readonly string[] KnownMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    private readonly Entry[] _entries;

    private JwtAcl(Entry[] entries) => _entries = entries;

    /// <summary>The paths as the token wrote them, for error messages.</summary>
    public IEnumerable<string> Paths => _entries.Select(e => e.Pattern);

    /// <summary>Reads an <c>acl</c> claim; null with <paramref name="error"/> (naming the member) when malformed.</summary>
    public static JwtAcl? Parse(JsonElement acl, out string? error)
    {
        error = null;
        if (acl.ValueKind != JsonValueKind.Object)
        {
            error = "The acl claim must be an object like {\"paths\":{\"/*/calls/**\":{}}}.";
            return null;
        }
        if (!acl.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Object)
        {
            error = "The acl claim must have a paths object like {\"/*/calls/**\":{}}.";
            return null;
        }
        var entries = new List<Entry>();
        foreach (var path in paths.EnumerateObject())
        {
            if (entries.Count == MaxPaths)
            {
                error = $"The acl claim lists more than {MaxPaths} paths.";
                return null;
            }
            if (path.Name.Length == 0 || path.Name[0] != '/')
            {
                error = $"acl.paths[\"{path.Name}\"]: a path must start with /.";
                return null;
            }
            if (path.Value.ValueKind != JsonValueKind.Object)
            {
                error = $"acl.paths[\"{path.Name}\"] must be an object ({{}} or {{\"methods\":[\"GET\"]}}).";
                return null;
            }
            string[]? methods = null;
            foreach (var member in path.Value.EnumerateObject())
            {
                if (!member.NameEquals("methods"))
                {
                    error = $"acl.paths[\"{path.Name}\"].{member.Name}: not supported by this host, so the token cannot be honoured as written (only methods restricts a path).";
                    return null;
                }
                if (member.Value.ValueKind != JsonValueKind.Array)
                {
                    error = $"acl.paths[\"{path.Name}\"].methods must be an array of HTTP methods such as [\"GET\"].";
                    return null;
                }
                var list = new List<string>();
                foreach (var method in member.Value.EnumerateArray())
                {
                    var known = method.ValueKind == JsonValueKind.String
                        ? KnownMethods.FirstOrDefault(k => string.Equals(k, method.GetString(), StringComparison.OrdinalIgnoreCase))
                        : null;
                    if (known is null)
                    {
                        error = $"acl.paths[\"{path.Name}\"].methods: {method.GetRawText()} is not one of {string.Join(", ", KnownMethods)}.";
                        return null;
                    }
                    list.Add(known);
                }
                methods = [.. list];
            }
            var segments = path.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length > MaxSegments)
            {
                error = $"acl.paths[\"{path.Name}\"]: more than {MaxSegments} segments.";
                return null;
            }
            entries.Add(new Entry(path.Name, segments, methods));
        }
        return new JwtAcl([.. entries]);
    }

    /// <summary>True when some path of the acl covers <paramref name="path"/> for <paramref name="method"/>.</summary>
    public bool Allows(string method, ReadOnlySpan<char> path)
    {
        var trimmed = path.Trim('/');
        Span<Range> ranges = stackalloc Range[MaxSegments];
        var count = trimmed.IsEmpty ? 0 : trimmed.Split(ranges, '/');
        if (count == ranges.Length) return false; // deeper than any route this host has
        var segments = ranges[..count];
        foreach (var entry in _entries)
        {
            if (entry.Methods is { } methods && !methods.Contains(method, StringComparer.OrdinalIgnoreCase)) continue;
            if (Match(entry.Segments, trimmed, segments)) return true;
        }
        return false;
    }

    /// <summary>Wildcard matching by dynamic programming, so no pattern can make it backtrack exponentially.</summary>
    private static bool Match(string[] pattern, ReadOnlySpan<char> path, ReadOnlySpan<Range> segments)
    {
        var width = segments.Length + 1;
        Span<bool> next = stackalloc bool[width]; // pattern[i + 1..] against segments[j..]
        Span<bool> current = stackalloc bool[width];
        next[segments.Length] = true;
        for (var i = pattern.Length - 1; i >= 0; i--)
        {
            var part = pattern[i];
            for (var j = segments.Length; j >= 0; j--)
            {
                current[j] = part == "**"
                    ? next[j] || (j < segments.Length && current[j + 1])
                    : j < segments.Length && (part == "*" || path[segments[j]].Equals(part, StringComparison.OrdinalIgnoreCase)) && next[j + 1];
            }
            current.CopyTo(next);
        }
        return next[0];
    }

    private sealed record Entry(string Pattern, string[] Segments, string[]? Methods);
}
