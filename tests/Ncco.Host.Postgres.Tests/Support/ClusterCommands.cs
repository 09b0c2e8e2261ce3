using System.Net;
using System.Net.Http.Headers;
using Npgsql;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>The two requests every cluster test makes of its own setup: a value from the shared store, and an admin form post.</summary>
public static class ClusterCommands
{
    /// <summary>The first column of the first row of <paramref name="sql"/>, or the default when there is none (or it is null).</summary>
    public static async Task<T?> ScalarAsync<T>(NpgsqlConnection store, string sql)
    {
        await using var command = new NpgsqlCommand(sql, store);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    /// <summary>Posts a form with Basic credentials and requires 200, naming the URL and the body otherwise.</summary>
    public static async Task FormAsync(HttpClient http, AuthenticationHeaderValue basic, Uri url, params (string Key, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))) };
        request.Headers.Authorization = basic;
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
