using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Journey.Domain.Catalog;
using Journey.Domain.LeadTimes;
using Journey.Server.Hosting;
using Journey.Server.Ingest;
using Journey.Server.Projections;
using Journey.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Queries;

/// <summary>
/// gRPC <c>journey.v1.LeadTimes</c>: the lead-time projection's figures for process owners, small groups suppressed.
/// Bound by <see cref="BindService"/> rather than the generated binding, so that an answer goes out as bytes made once.
/// </summary>
[Authorize(Policy = JourneyRoles.ProcessOwner)]
[BindServiceMethod(typeof(LeadTimesService), nameof(BindService))]
public sealed class LeadTimesService(IGrainFactory grains, LeadTimesResponses responses, JourneyCatalog catalog) : Contract.LeadTimes.LeadTimesBase
{
    /// <summary>The service's descriptor, where gRPC's tooling looks for it: beside the bind method.</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Contract.LeadTimes.Descriptor;

    public override async Task<Contract.LeadTimesReport> GetLeadTimes(Contract.GetLeadTimesRequest request, ServerCallContext context)
    {
        // A journey type the catalog does not know is a mistake to name, as the analytics queries say: answered with no
        // journeys, it would read as one that has none yet.
        if (QueryFilters.UnknownJourneyType(catalog, request.JourneyType) is { } journeyType)
        {
            throw RpcErrors.BadRequest(QueryFilters.Invalid, [journeyType]);
        }
        var report = await grains.Reference<ILeadTimeProjectionGrain>(LeadTimeProjectionGrain.Key).GetReportAsync();
        return responses.For(report, string.IsNullOrEmpty(request.JourneyType) ? null : request.JourneyType);
    }

    /// <summary>
    /// The generated binding with one change: answers are written by <see cref="SerializedOnce"/>. The answer for all
    /// journey types is hundreds of kilobytes, the same object for every query until the projection's next report
    /// (<see cref="LeadTimesResponses"/>), and the generated marshaller measured it and wrote it again for each call
    /// (1.3–2.8 ms a call for 20,000 simulated journeys).
    /// </summary>
    /// <remarks>Its service parameter is the generated base (which the service's methods override), as gRPC's binder expects.</remarks>
    public static void BindService(ServiceBinderBase binder, Contract.LeadTimes.LeadTimesBase service) =>
        Contract.LeadTimes.BindService(new SerializedOnceBinder(binder), service);

    private sealed class SerializedOnceBinder(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            if (method.ResponseMarshaller is Marshaller<Contract.LeadTimesReport> generated)
            {
                method = new Method<TRequest, TResponse>(
                    method.Type, method.ServiceName, method.Name, method.RequestMarshaller, (Marshaller<TResponse>)(object)SerializedOnce.Marshaller(generated));
            }
            inner.AddMethod(method, handler);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);
    }
}

/// <summary>
/// A message's bytes made the first time it is sent and kept as long as the message lives, for messages made once and
/// sent many times without being changed (the lead-time answers of one report).
/// </summary>
internal static class SerializedOnce
{
    private static readonly ConditionalWeakTable<IMessage, byte[]> Bytes = [];

    /// <summary>A marshaller that writes what <see cref="Of"/> keeps and reads as <paramref name="generated"/> does.</summary>
    public static Marshaller<T> Marshaller<T>(Marshaller<T> generated) where T : class, IMessage<T> =>
        new((message, context) => context.Complete(Of(message)), generated.ContextualDeserializer);

    public static byte[] Of(IMessage message) => Bytes.GetValue(message, static m => m.ToByteArray());

    /// <summary>Whether <paramref name="message"/>'s bytes have been made.</summary>
    public static bool Holds(IMessage message) => Bytes.TryGetValue(message, out _);
}
