using System.Text.Json;
using Ncco.Host.Auth;

namespace Ncco.Host.Tests.Auth;

/// <summary>How an <c>acl</c> claim's paths and methods cover a request (Vonage's JWT ACL format).</summary>
public sealed class JwtAclTests
{
    private static JwtAcl Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var acl = JwtAcl.Parse(document.RootElement, out var error);
        Assert.True(acl is not null, error);
        return acl;
    }

    [Theory]
    [InlineData("/*/calls/**", "GET", "/v1/calls", true)]
    [InlineData("/*/calls/**", "GET", "/v1/calls/", true)]
    [InlineData("/*/calls/**", "PUT", "/v1/calls/63f61863-4a51-4f6b-86e1-46edebcf9356/talk", true)]
    [InlineData("/*/calls/**", "GET", "/V1/CALLS/x", true)]
    [InlineData("/*/calls/**", "GET", "/calls", false)]
    [InlineData("/*/calls/**", "GET", "/v1/callsx", false)]
    [InlineData("/*/calls/**", "GET", "/v1/applications", false)]
    [InlineData("/v1/calls/*", "GET", "/v1/calls/abc", true)]
    [InlineData("/v1/calls/*", "GET", "/v1/calls/abc/talk", false)]
    [InlineData("/v1/calls/*", "GET", "/v1/calls", false)]
    [InlineData("/**", "DELETE", "/v1/calls/abc/stream", true)]
    [InlineData("/**/talk", "PUT", "/v1/calls/abc/talk", true)]
    [InlineData("/**/talk", "PUT", "/v1/calls/abc/stream", false)]
    public void Paths_match_segment_by_segment_with_star_for_one_and_double_star_for_any(string pattern, string method, string path, bool allowed)
    {
        var acl = Parse("{\"paths\":{\"" + pattern + "\":{}}}");

        Assert.Equal(allowed, acl.Allows(method, path));
    }

    [Fact]
    public void Methods_limit_a_path_and_an_empty_entry_allows_every_method()
    {
        var acl = Parse("""{"paths":{"/*/calls/**":{"methods":["get","HEAD"]},"/*/users/**":{}}}""");

        Assert.True(acl.Allows("GET", "/v1/calls/abc"));
        Assert.True(acl.Allows("HEAD", "/v1/calls"));
        Assert.False(acl.Allows("PUT", "/v1/calls/abc/talk"));
        Assert.False(acl.Allows("POST", "/v1/calls"));
        Assert.True(acl.Allows("DELETE", "/v0.3/users/u1"));
        Assert.Equal(["/*/calls/**", "/*/users/**"], acl.Paths);
    }

    [Fact]
    public void The_client_sdk_acl_of_user_tokens_allows_sign_in_and_calls_but_not_the_voice_api()
    {
        var acl = Parse("""
            {"paths":{"/*/users/**":{},"/*/conversations/**":{},"/*/sessions/**":{},"/*/devices/**":{},"/*/image/**":{},
                      "/*/media/**":{},"/*/applications/**":{},"/*/push/**":{},"/*/knocking/**":{},"/*/legs/**":{}}}
            """);

        Assert.True(acl.Allows("POST", "/v1/sessions"));
        Assert.True(acl.Allows("POST", "/v1/knocking"));
        Assert.False(acl.Allows("POST", "/v1/calls"));
    }

    [Fact]
    public void An_empty_paths_object_allows_nothing_and_hostile_depths_do_not_match()
    {
        var none = Parse("""{"paths":{}}""");
        var any = Parse("""{"paths":{"/**":{}}}""");
        var deep = "/" + string.Join('/', Enumerable.Repeat("a", 10_000));

        Assert.False(none.Allows("GET", "/v1/calls"));
        Assert.False(any.Allows("GET", deep));
        Assert.True(any.Allows("GET", "/"));
    }

    [Fact]
    public void A_pattern_of_many_double_stars_is_matched_without_backtracking()
    {
        var pattern = "/" + string.Join('/', Enumerable.Repeat("**", 30)) + "/z";
        var acl = Parse("{\"paths\":{\"" + pattern + "\":{}}}");
        var path = "/" + string.Join('/', Enumerable.Repeat("a", 30));

        Assert.False(acl.Allows("GET", path));
        Assert.True(acl.Allows("GET", path[..^1] + "z"));
    }

    [Fact]
    public void Too_many_paths_or_segments_are_refused_with_the_limit()
    {
        var many = "{\"paths\":{" + string.Join(',', Enumerable.Range(0, JwtAcl.MaxPaths + 1).Select(i => $"\"/p{i}\":{{}}")) + "}}";
        var deep = "{\"paths\":{\"/" + string.Join('/', Enumerable.Repeat("a", JwtAcl.MaxSegments + 1)) + "\":{}}}";
        using var manyDoc = JsonDocument.Parse(many);
        using var deepDoc = JsonDocument.Parse(deep);

        Assert.Null(JwtAcl.Parse(manyDoc.RootElement, out var manyError));
        Assert.Null(JwtAcl.Parse(deepDoc.RootElement, out var deepError));
        Assert.Contains($"more than {JwtAcl.MaxPaths} paths", manyError);
        Assert.Contains($"more than {JwtAcl.MaxSegments} segments", deepError);
    }
}
