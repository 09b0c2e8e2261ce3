using System.Net;
using System.Net.Sockets;
using Ncco.Rtp.Ports;

namespace Ncco.Rtp.Tests.Ports;

public sealed class RtpPortAllocatorTests
{
    // Each test uses its own slice of the port space so parallel test classes never collide.
    [Fact]
    public void Pairs_are_even_plus_one_and_never_handed_out_twice_while_leased()
    {
        var allocator = new RtpPortAllocator(new RtpPortRange(41001, 41020), IPAddress.Loopback);
        var leases = new List<RtpPortLease>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var lease = allocator.Allocate();
                leases.Add(lease);
                Assert.Equal(0, lease.RtpPort % 2);
                Assert.Equal(lease.RtpPort + 1, lease.RtcpPort);
                Assert.Equal(lease.RtpPort, ((IPEndPoint)lease.RtpSocket.LocalEndPoint!).Port);
                Assert.Equal(lease.RtcpPort, ((IPEndPoint)lease.RtcpSocket.LocalEndPoint!).Port);
                Assert.InRange(lease.RtpPort, 41002, 41019);
            }
            Assert.Equal(10, leases.Select(l => l.RtpPort).Distinct().Count());
            Assert.Equal(9, new RtpPortRange(41001, 41020).PairCount);
        }
        catch (InvalidOperationException)
        {
            // 41001–41020 holds 9 pairs: the tenth allocation must fail and say why.
            Assert.Equal(9, leases.Count);
        }
        finally
        {
            foreach (var lease in leases)
            {
                lease.Dispose();
            }
        }
        Assert.Equal(0, allocator.LeasedCount);
    }

    [Fact]
    public void Exhaustion_is_an_error_naming_the_range_and_a_freed_pair_is_reused()
    {
        var allocator = new RtpPortAllocator(new RtpPortRange(41100, 41103), IPAddress.Loopback);
        var a = allocator.Allocate();
        var b = allocator.Allocate();
        var error = Assert.Throws<InvalidOperationException>(allocator.Allocate);
        Assert.Contains("41100-41103", error.Message);
        var freed = a.RtpPort;
        a.Dispose();
        a.Dispose(); // idempotent
        using var c = allocator.Allocate();
        Assert.Equal(freed, c.RtpPort);
        b.Dispose();
        Assert.Equal(1, allocator.LeasedCount);
    }

    [Fact]
    public void A_pair_held_by_someone_else_is_skipped()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 41201)); // the RTCP port of the first pair
        var allocator = new RtpPortAllocator(new RtpPortRange(41200, 41205), IPAddress.Loopback);
        using var lease = allocator.Allocate();
        Assert.Equal(41202, lease.RtpPort);
    }

    [Theory]
    [InlineData(80, 100)]
    [InlineData(50000, 50000)]
    [InlineData(60000, 70000)]
    public void Unusable_ranges_are_rejected(int first, int last)
    {
        Assert.Throws<ArgumentException>(() => new RtpPortAllocator(new RtpPortRange(first, last), IPAddress.Loopback));
    }

    [Fact]
    public async Task Concurrent_allocation_never_duplicates()
    {
        var allocator = new RtpPortAllocator(new RtpPortRange(41300, 41499), IPAddress.Loopback);
        var leases = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(allocator.Allocate)));
        try
        {
            Assert.Equal(40, leases.Select(l => l.RtpPort).Distinct().Count());
        }
        finally
        {
            foreach (var lease in leases)
            {
                lease.Dispose();
            }
        }
    }
}
