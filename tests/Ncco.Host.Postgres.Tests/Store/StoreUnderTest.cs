using Ncco.Host.Applications;
using Ncco.Host.Auth;
using Ncco.Host.Calls;
using Ncco.Host.Numbers;
using Ncco.Host.Persistence;
using Ncco.Host.Recordings;

namespace Ncco.Host.Postgres.Tests.Store;

/// <summary>One provider's store, fresh and migrated, with every repository over it.</summary>
public sealed class StoreUnderTest(INccoStore store, IApplicationRepository applications, ICallRepository calls, IRecordingRepository recordings,
    ISipBindingRepository bindings, INumberRepository numbers, IAccountCredentialsStore account, Func<IAccountCredentialsStore> anotherNodesAccount, Func<ValueTask> dispose) : IAsyncDisposable
{
    public INccoStore Store { get; } = store;

    public IApplicationRepository Applications { get; } = applications;

    public ICallRepository Calls { get; } = calls;

    public IRecordingRepository Recordings { get; } = recordings;

    public ISipBindingRepository Bindings { get; } = bindings;

    public INumberRepository Numbers { get; } = numbers;

    public IAccountCredentialsStore Account { get; } = account;

    /// <summary>The credentials store as a second process over the same store sees it.</summary>
    public IAccountCredentialsStore AnotherProcessAccount() => anotherNodesAccount();

    public ValueTask DisposeAsync() => dispose();
}
