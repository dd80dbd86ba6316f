using Journey.Domain.Events;
using Journey.Domain.Statistics;

namespace Journey.Domain.LeadTimes;

/// <summary>Turns a journey type's cubes into the report's figures, restricted by a <see cref="LeadTimeFilter"/>.</summary>
internal static class LeadTimeFigures
{
    private const short AllAgencies = -1;
    private const short AbsentAgency = -2;
    private const double SecondsPerDay = 86_400;

    public static JourneyTypeLeadTimes Of(CompiledJourneyType type, JourneyTypeCubes cubes, LeadTimeFilter filter)
    {
        var (from, to) = filter.MonthRange();
        var agency = AllAgencies;
        if (filter.Agency is not null)
        {
            var index = Array.IndexOf(type.Agencies, filter.Agency);
            agency = index < 0 ? AbsentAgency : (short)index;
        }

        var total = type.TakeTotal();
        if (!filter.HasPeriod)
        {
            cubes.MergeAll(type, total);
        }
        var months = new List<MonthLeadTimes>();
        foreach (var (month, cube) in cubes.Months)
        {
            if (month < from || month > to)
            {
                continue;
            }
            if (filter.HasPeriod)
            {
                total.Merge(cube);
            }
            // A month's unfiltered figures hold until its cube is folded again: a report made while events of recent
            // months arrive summarises only those months again.
            months.Add(agency == AllAgencies ? cube.Figures ??= Month(type, month, cube, agency) : Month(type, month, cube, agency));
        }
        total.RemoveUnused();
        var figures = Type(type, total, months, agency);
        type.ReturnTotal(total);
        return figures;
    }

    private static JourneyTypeLeadTimes Type(CompiledJourneyType type, MonthCube cube, List<MonthLeadTimes> months, short agency)
    {
        var services = SelectedServices(type, agency);
        var (seen, completed, endToEnd, span) = Journeys(cube, agency);
        var withLifeEvent = agency switch
        {
            AllAgencies => cube.JourneysWithLifeEvent,
            AbsentAgency => 0,
            _ => cube.Agencies[agency].JourneysWithLifeEvent,
        };

        var agencies = new List<AgencyLeadTimes>();
        for (short a = 0; a < type.Agencies.Length; a++)
        {
            if (agency == AllAgencies || agency == a)
            {
                agencies.Add(Agency(type, cube, a));
            }
        }

        var initiators = new InitiatorLeadTimes[JourneyTypeCubes.Initiators];
        for (var i = 0; i < initiators.Length; i++)
        {
            initiators[i] = Initiator(i, ServiceCell.Combine([.. services.Select(s => cube.Cell(s, i))]));
        }

        var handOvers = new List<HandOverTimes>();
        var count = type.Agencies.Length;
        foreach (var (key, cell) in cube.HandOvers.OrderBy(h => h.Key))
        {
            var (fromAgency, toAgency) = Math.DivRem(key, count);
            if (agency == AllAgencies || agency == fromAgency || agency == toAgency)
            {
                handOvers.Add(new HandOverTimes(type.Agencies[fromAgency], type.Agencies[toAgency], cell.Journeys, DurationStats.Of(cell.Times)));
            }
        }

        var arcs = new List<DirectlyFollowsTimes>();
        foreach (var arc in cube.Graph.Ordered(type.ActivityCodes))
        {
            if (agency == AllAgencies || type.ActivityAgency[arc.From] == agency || type.ActivityAgency[arc.To] == agency)
            {
                arcs.Add(new DirectlyFollowsTimes(type.ActivityCodes[arc.From], type.ActivityCodes[arc.To], arc.Cases, DurationStats.Of(arc.Times)));
            }
        }

        var opportunities = new List<ProactiveOpportunity>();
        foreach (var s in services)
        {
            var definition = type.Services[s];
            if (definition.ApplicationActivities.Count == 0 || definition.DependsOn.Count == 0)
            {
                continue;
            }
            var cells = CellsOf(cube, s);
            var potential = DurationDistribution.Combine(cells.Select(c => c.Potential));
            opportunities.Add(new ProactiveOpportunity(
                type.Id,
                definition.Id,
                definition.Agency,
                cells.Sum(c => c.StartedReactively),
                potential.Count,
                potential.TotalSeconds / SecondsPerDay,
                DurationStats.Of(potential)));
        }
        opportunities.Sort(static (a, b) =>
        {
            var byDays = b.CitizenDays.CompareTo(a.CitizenDays);
            return byDays != 0 ? byDays : string.CompareOrdinal(a.Service, b.Service);
        });

        return new JourneyTypeLeadTimes(
            type.Id,
            completed,
            endToEnd,
            Array.AsReadOnly(services.Select(s => Service(type, cube, s)).ToArray()),
            months.AsReadOnly(),
            seen,
            withLifeEvent,
            span,
            Starts(services.SelectMany(s => CellsOf(cube, s))),
            agencies.AsReadOnly(),
            Array.AsReadOnly(initiators),
            handOvers.AsReadOnly(),
            arcs.AsReadOnly(),
            opportunities.AsReadOnly());
    }

    private static MonthLeadTimes Month(CompiledJourneyType type, int month, MonthCube cube, short agency)
    {
        var services = SelectedServices(type, agency);
        var (seen, completed, endToEnd, _) = Journeys(cube, agency);
        var cells = services.SelectMany(s => CellsOf(cube, s)).ToList();
        var potential = DurationDistribution.Combine(cells.Select(c => c.Potential));
        return new MonthLeadTimes(
            LeadTimeFilter.FormatMonth(month),
            completed,
            endToEnd,
            Array.AsReadOnly(services.Select(s => Service(type, cube, s)).ToArray()),
            seen,
            Starts(cells),
            potential.TotalSeconds / SecondsPerDay,
            potential.Count);
    }

    private static ServiceLeadTimes Service(CompiledJourneyType type, MonthCube cube, int service)
    {
        var definition = type.Services[service];
        var cells = CellsOf(cube, service);
        var merged = ServiceCell.Combine(cells);
        var byInitiator = new InitiatorLeadTimes[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            byInitiator[i] = Initiator(i, cells[i]);
        }
        return new ServiceLeadTimes(
            definition.Id,
            definition.Agency,
            merged.Total.Count,
            DurationStats.Of(merged.Total),
            DurationStats.Of(merged.Waiting),
            DurationStats.Of(merged.Processing),
            DurationStats.Of(merged.Delivery),
            new StartShare(merged.Started, merged.StartedProactively),
            Array.AsReadOnly(byInitiator));
    }

    private static AgencyLeadTimes Agency(CompiledJourneyType type, MonthCube cube, short agency)
    {
        var cell = cube.Agencies[agency];
        var services = SelectedServices(type, agency);
        var merged = ServiceCell.Combine([.. services.SelectMany(s => CellsOf(cube, s))]);
        return new AgencyLeadTimes(
            type.Agencies[agency],
            cell.JourneysSeen,
            cell.Completed,
            DurationStats.Of(cell.EndToEnd),
            new StartShare(merged.Started, merged.StartedProactively),
            merged.Total.Count,
            DurationStats.Of(merged.Total),
            DurationStats.Of(merged.Waiting),
            DurationStats.Of(merged.Processing),
            DurationStats.Of(merged.Delivery));
    }

    private static InitiatorLeadTimes Initiator(int initiator, ServiceCell cell) => new(
        (Initiator)initiator,
        cell.Started,
        cell.Total.Count,
        DurationStats.Of(cell.Total),
        DurationStats.Of(cell.Waiting),
        DurationStats.Of(cell.Processing),
        DurationStats.Of(cell.Delivery));

    private static (long Seen, long Completed, DurationStats EndToEnd, DurationStats Span) Journeys(MonthCube cube, short agency) => agency switch
    {
        AllAgencies => (cube.JourneysSeen, cube.Completed, DurationStats.Of(cube.EndToEnd), DurationStats.Of(cube.Span)),
        AbsentAgency => (0, 0, DurationStats.Empty, DurationStats.Empty),
        _ => (cube.Agencies[agency].JourneysSeen, cube.Agencies[agency].Completed, DurationStats.Of(cube.Agencies[agency].EndToEnd), DurationStats.Of(cube.Agencies[agency].Span)),
    };

    private static List<int> SelectedServices(CompiledJourneyType type, short agency)
    {
        var services = new List<int>(type.Services.Length);
        for (var s = 0; s < type.Services.Length; s++)
        {
            if (agency == AllAgencies || type.ServiceAgency[s] == agency)
            {
                services.Add(s);
            }
        }
        return services;
    }

    private static StartShare Starts(IEnumerable<ServiceCell> cells)
    {
        long started = 0, proactively = 0;
        foreach (var cell in cells)
        {
            started += cell.Started;
            proactively += cell.StartedProactively;
        }
        return new StartShare(started, proactively);
    }

    /// <summary>The cells of one service, one per initiator.</summary>
    private static ServiceCell[] CellsOf(MonthCube cube, int service)
    {
        var cells = new ServiceCell[JourneyTypeCubes.Initiators];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = cube.Cell(service, i);
        }
        return cells;
    }
}
