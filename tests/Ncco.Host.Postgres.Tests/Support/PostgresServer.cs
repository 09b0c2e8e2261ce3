using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// A private PostgreSQL server for the test run: Debian's binaries (<c>.ci/deps/postgres.sh</c> installs them),
/// <c>initdb</c> into a temporary directory, <c>pg_ctl start</c> on a free loopback port with its socket in that
/// directory, trust authentication for the loopback only. PostgreSQL refuses to run as root, so as root the server
/// runs as the <c>postgres</c> user (<c>runuser</c>). Start is bounded (60 s); missing binaries fail loudly — CI
/// installs them, a skipped store test would hide a broken provider. Each test gets its own database
/// (<see cref="CreateDatabaseAsync"/>); the server is stopped and its directory removed at the end of the run.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string ServiceUser = "postgres";
    private string? _directory;
    private string? _bin;

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string to <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = ServiceUser, Database = database, Pooling = true, Timeout = 5, CommandTimeout = 10 }.ToString();

    /// <summary>A new empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        // The tests' own 5 s connect and 10 s command bounds are for the nodes; creating the database is set-up, which on a
        // loaded machine (load above 60 on two cores) once took longer to connect than that.
        var setUp = new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Timeout = 60, CommandTimeout = 120 }.ToString();
        await using (var admin = new NpgsqlConnection(setUp))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        var asRoot = Environment.UserName == "root";
        // As root the server's user must reach the directory: /tmp is world-traversable, a TMPDIR under /root is not.
        _directory = Path.Combine(asRoot ? "/tmp" : Path.GetTempPath(), "ncco-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var data = Path.Combine(_directory, "data");
        if (asRoot)
        {
            // The server's user must own its directory (and reach it: /tmp is world-traversable).
            await RunAsync("chown", ["-R", ServiceUser + ":", _directory], TimeSpan.FromSeconds(10));
        }
        await RunServerToolAsync(asRoot, "initdb", ["-D", data, "-U", ServiceUser, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"], TimeSpan.FromSeconds(60));
        Port = FreePort();
        var options = $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories={_directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        await RunServerToolAsync(asRoot, "pg_ctl", ["-D", data, "-l", Path.Combine(_directory, "server.log"), "-o", options, "-w", "-t", "60", "start"], TimeSpan.FromSeconds(75));
    }

    public async Task DisposeAsync()
    {
        if (_directory is null || _bin is null) return;
        NpgsqlConnection.ClearAllPools();
        var data = Path.Combine(_directory, "data");
        if (Directory.Exists(data))
        {
            try
            {
                await RunServerToolAsync(Environment.UserName == "root", "pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"], TimeSpan.FromSeconds(40));
            }
            catch (InvalidOperationException)
            {
                // Never started: nothing to stop.
            }
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: run `bash .ci/deps/postgres.sh` (installs Debian's postgresql).");
    }

    private Task RunServerToolAsync(bool asRoot, string tool, string[] arguments, TimeSpan timeout)
    {
        var path = Path.Combine(_bin!, tool);
        return asRoot ? RunAsync("runuser", ["-u", ServiceUser, "--", path, .. arguments], timeout) : RunAsync(path, arguments, timeout);
    }

    private static async Task RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} did not finish within {timeout}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}{await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Every test of this assembly shares one server (one per run, not per class).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
