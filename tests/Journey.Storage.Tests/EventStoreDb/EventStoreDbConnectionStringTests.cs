using System.Net;
using Journey.Storage.EventStoreDb;

namespace Journey.Storage.Tests.EventStoreDb;

public sealed class EventStoreDbConnectionStringTests
{
    [Fact]
    public void a_single_insecure_node_for_development()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://localhost:2113?tls=false");

        Assert.Equal([new DnsEndPoint("localhost", 2113)], settings.Nodes);
        Assert.False(settings.Tls);
        Assert.True(settings.TlsVerifyCert);
        Assert.Null(settings.UserName);
        Assert.Null(settings.Password);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.DefaultDeadline);
        Assert.Equal(10, settings.MaxDiscoverAttempts);
    }

    [Fact]
    public void a_secure_three_node_cluster_with_credentials_and_a_default_port()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://admin:changeit@node1.eventstore:2113,node2.eventstore:2114,node3.eventstore?tls=true&tlsCaFile=/certs/ca/ca.crt");

        Assert.Equal(
            [new DnsEndPoint("node1.eventstore", 2113), new DnsEndPoint("node2.eventstore", 2114), new DnsEndPoint("node3.eventstore", 2113)],
            settings.Nodes);
        Assert.True(settings.Tls);
        Assert.Equal("admin", settings.UserName);
        Assert.Equal("changeit", settings.Password);
        Assert.Equal("/certs/ca/ca.crt", settings.TlsCaFile);
    }

    [Fact]
    public void secure_is_the_default_as_in_eventstoredb()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://eventstore.internal");

        Assert.Equal([new DnsEndPoint("eventstore.internal", EventStoreDbConnectionString.DefaultPort)], settings.Nodes);
        Assert.True(settings.Tls);
        Assert.True(settings.TlsVerifyCert);
    }

    [Fact]
    public void every_option_with_keys_in_any_case_and_escaped_credentials()
    {
        var settings = EventStoreDbConnectionString.Parse(
            "kurrentdb://us%40er:p%3Ass%2Fw@[::1]:2200/?TLS=true&TlsVerifyCert=false&defaultDeadline=2500&keepAliveInterval=-1"
            + "&keepAliveTimeout=3000&maxDiscoverAttempts=3&discoveryInterval=50&connectionName=journey-server&nodePreference=Leader");

        Assert.Equal([new DnsEndPoint("::1", 2200)], settings.Nodes);
        Assert.Equal("us@er", settings.UserName);
        Assert.Equal("p:ss/w", settings.Password);
        Assert.True(settings.Tls);
        Assert.False(settings.TlsVerifyCert);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), settings.DefaultDeadline);
        Assert.Equal(Timeout.InfiniteTimeSpan, settings.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.KeepAliveTimeout);
        Assert.Equal(3, settings.MaxDiscoverAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(50), settings.DiscoveryInterval);
        Assert.Equal("journey-server", settings.ConnectionName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("localhost:2113", "must start with esdb://")]
    [InlineData("http://localhost:2113", "Unknown scheme 'http://'")]
    [InlineData("esdb+discover://cluster.dns:2113", "not supported")]
    [InlineData("esdb://", "names no node")]
    [InlineData("esdb://?tls=false", "names no node")]
    [InlineData("esdb://host1,,host2", "has no host")]
    [InlineData("esdb://host:abc", "port 'abc'")]
    [InlineData("esdb://host:70000", "1 to 65535")]
    [InlineData("esdb://host:", "port ''")]
    [InlineData("esdb://[::1:2113", "unclosed '['")]
    [InlineData("esdb://host/streams", "has a path")]
    [InlineData("esdb://admin@host", "need a password")]
    [InlineData("esdb://admin:@host", "empty user name or password")]
    [InlineData("esdb://host?tls=yes", "'tls' in the EventStoreDB connection string must be true or false, not 'yes'")]
    [InlineData("esdb://host?tls", "not key=value")]
    [InlineData("esdb://host?tsl=false", "Unknown option 'tsl'")]
    [InlineData("esdb://host?tls=false&TLS=true", "'tls' appears more than once")]
    [InlineData("esdb://host?defaultDeadline=0", "positive number of milliseconds")]
    [InlineData("esdb://host?keepAliveInterval=soon", "or -1 (off)")]
    [InlineData("esdb://host?maxDiscoverAttempts=-2", "positive whole number")]
    [InlineData("esdb://host?nodePreference=follower", "nodePreference=follower is not supported")]
    [InlineData("esdb://host?tls=false&tlsCaFile=/certs/ca.crt", "needs tls=true")]
    public void a_malformed_connection_string_is_refused_with_a_message_that_says_what_is_wrong(string connectionString, string expectedInMessage)
    {
        var error = Assert.Throws<FormatException>(() => EventStoreDbConnectionString.Parse(connectionString));

        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void printing_the_settings_masks_the_password_and_parses_back_to_the_same_nodes_and_options()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://admin:s3cret@node1:2113,node2:2113?tls=false&defaultDeadline=2000&connectionName=journey");

        var printed = settings.ToString();
        var reparsed = EventStoreDbConnectionString.Parse(printed);

        Assert.DoesNotContain("s3cret", printed, StringComparison.Ordinal);
        Assert.StartsWith("esdb://admin:***@node1:2113,node2:2113?tls=false", printed, StringComparison.Ordinal);
        Assert.Equal(settings.Nodes, reparsed.Nodes);
        Assert.Equal(settings with { Nodes = reparsed.Nodes, Password = "***" }, reparsed);
    }

    [Fact]
    public void creating_a_store_from_a_malformed_string_fails_before_any_connection()
    {
        Assert.Throws<FormatException>(() => EventStoreDbEventStore.Create("esdb://host?tls=maybe"));
    }
}
