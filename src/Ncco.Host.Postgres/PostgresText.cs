using NpgsqlTypes;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>Parameter helpers shared by the repositories.</summary>
internal static class PostgresText
{
    /// <summary>
    /// PostgreSQL <c>text</c> cannot hold U+0000 (SQLite can): a NUL that reached a stored field (a REST <c>to</c>
    /// number, a SIP header) would fail the whole batch of the call journal and lose it. Such a character is stored as
    /// U+FFFD, the replacement character, instead; every other character round-trips.
    /// </summary>
    public static string? Clean(string? value) => value is null || !value.Contains('\0', StringComparison.Ordinal) ? value : value.Replace('\0', '\uFFFD');

    public static void Text(this NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)Clean(value) ?? DBNull.Value });

    public static void Bigint(this NpgsqlCommand command, string name, long? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bigint) { Value = (object?)value ?? DBNull.Value });

    public static void Integer(this NpgsqlCommand command, string name, int value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = value });
}
