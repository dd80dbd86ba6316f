using Journey.Domain.Exchange;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Replay;

/// <summary>The domain's <see cref="EventSelection"/> for a replay request.</summary>
public static class ReplaySelection
{
    public static EventSelection From(Contract.ReplayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new EventSelection
        {
            AfterPosition = request.HasAfterPosition ? request.AfterPosition : null,
            ToPosition = request.HasToPosition ? request.ToPosition : null,
            JourneyTypes = EventSelection.SetOf(request.JourneyTypes),
            Agencies = EventSelection.SetOf(request.Agencies),
            Activities = EventSelection.SetOf(request.Activities),
            Occurred = Window(request.Occurred),
            Recorded = Window(request.Recorded),
        };
    }

    private static TimeWindow Window(Contract.TimeWindow? window) =>
        window is null
            ? TimeWindow.Always
            : new TimeWindow(window.From?.ToDateTimeOffset(), window.To?.ToDateTimeOffset());
}
