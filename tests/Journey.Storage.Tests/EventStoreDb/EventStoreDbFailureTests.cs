using System.Net;
using Grpc.Core;
using Journey.Storage.EventStoreDb;

namespace Journey.Storage.Tests.EventStoreDb;

/// <summary>How a failed call is read: EventStoreDB's refusals carry their reason in the trailers.</summary>
public sealed class EventStoreDbFailureTests
{
    [Fact]
    public void a_follower_refusal_names_the_leader_to_go_to()
    {
        // What EventStoreDB sends (RpcExceptions.LeaderInfo): NotFound with the leader's advertised address.
        var refusal = Refusal(StatusCode.NotFound, ("exception", "not-leader"), ("leader-endpoint-host", "node2.eventstore"), ("leader-endpoint-port", "2113"));

        Assert.Equal(new NodeFailure.NotLeader(new DnsEndPoint("node2.eventstore", 2113)), EventStoreDbCluster.Classify(refusal));
        Assert.True(EventStoreDbCluster.IsResumable(refusal));
    }

    [Theory]
    [InlineData("", "2113")]
    [InlineData("node2", "")]
    [InlineData("node2", "port")]
    [InlineData("node2", "0")]
    public void a_follower_that_cannot_name_the_leader_is_treated_as_unavailable(string host, string port)
    {
        var refusal = Refusal(StatusCode.NotFound, ("exception", "not-leader"), ("leader-endpoint-host", host), ("leader-endpoint-port", port));

        Assert.Same(NodeFailure.Unavailable.Instance, EventStoreDbCluster.Classify(refusal));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, true, true)]
    [InlineData(StatusCode.Aborted, false, true)]
    [InlineData(StatusCode.NotFound, false, false)]
    [InlineData(StatusCode.PermissionDenied, false, false)]
    [InlineData(StatusCode.InvalidArgument, false, false)]
    [InlineData(StatusCode.DeadlineExceeded, false, false)]
    [InlineData(StatusCode.Internal, false, false)]
    public void calls_are_retried_only_on_unavailable_nodes_and_subscriptions_also_resume_after_aborts(StatusCode code, bool retried, bool resumed)
    {
        var failure = Refusal(code);

        Assert.Equal(retried, EventStoreDbCluster.Classify(failure) is NodeFailure.Unavailable);
        Assert.Equal(resumed, EventStoreDbCluster.IsResumable(failure));
    }

    [Fact]
    public void a_subscription_stream_cut_by_the_transport_is_resumed()
    {
        var reset = new RpcException(new Status(StatusCode.Internal, "Error reading next message.", new IOException("The response ended prematurely.")));

        Assert.True(EventStoreDbCluster.IsResumable(reset));
    }

    [Fact]
    public void access_denied_and_a_deleted_stream_become_dotnet_exceptions_and_others_stay_rpc_exceptions()
    {
        var denied = EventStoreDbCluster.Translate(Refusal(StatusCode.PermissionDenied, ("exception", "access-denied")));
        var deleted = EventStoreDbCluster.Translate(Refusal(StatusCode.FailedPrecondition, ("exception", "stream-deleted"), ("stream-name", "journey-x")));
        var other = EventStoreDbCluster.Translate(Refusal(StatusCode.InvalidArgument));

        Assert.IsType<UnauthorizedAccessException>(denied);
        var deletedError = Assert.IsType<InvalidOperationException>(deleted);
        Assert.Contains("journey-x", deletedError.Message, StringComparison.Ordinal);
        Assert.Null(other);
    }

    private static RpcException Refusal(StatusCode code, params (string Key, string Value)[] trailers)
    {
        var metadata = new Metadata();
        foreach (var (key, value) in trailers)
        {
            metadata.Add(key, value);
        }
        return new RpcException(new Status(code, "refused"), metadata);
    }
}
