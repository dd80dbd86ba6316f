using Journey.Domain.LeadTimes;
using static Journey.Domain.Tests.LeadTimes.LeadTimeTestData;

namespace Journey.Domain.Tests.LeadTimes;

public sealed class LeadTimeReportTests
{
    private static LeadTimeReport Sample() => Fold(
    [
        Event("c", Birth, "2026-03-02T08:00:00+01:00"),
        Event("c", FpSoknad, "2026-03-02T08:00:12+01:00"),
        Event("c", FpVedtak, "2026-03-02T08:01:00+01:00"),
        Event("c", FpUtbetaling, "2026-03-02T08:02:00+01:00"),
    ]).Report();

    [Fact]
    public void equal_reports_have_no_differences()
    {
        var a = Sample();
        var b = Sample();

        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Empty(a.DifferencesFrom(b));
    }

    [Fact]
    public void a_changed_figure_is_named_by_its_path()
    {
        var report = Sample();
        var faBarn = report.Type(FaBarn);
        var foreldrepenger = faBarn.Service("foreldrepenger");
        var changedService = foreldrepenger with { Total = foreldrepenger.Total with { MedianSeconds = 121 } };
        var changed = report with
        {
            JourneyTypes = [.. report.JourneyTypes.Select(t => t == faBarn
                ? t with { Services = [.. t.Services.Select(s => s == foreldrepenger ? changedService : s)] }
                : t)],
        };

        Assert.NotEqual(report, changed);
        Assert.Equal(["fa-barn/services/foreldrepenger/total/medianSeconds: 120 vs 121"], report.DifferencesFrom(changed));
    }

    [Fact]
    public void missing_months_and_a_changed_checkpoint_are_reported()
    {
        var report = Sample();
        var withoutMonths = report with
        {
            Checkpoint = 5,
            JourneyTypes = [.. report.JourneyTypes.Select(t => t with { Months = [] })],
        };

        Assert.Equal(
            ["checkpoint: 4 vs 5", "fa-barn/months/2026-03: present vs missing"],
            report.DifferencesFrom(withoutMonths));
        Assert.Equal(
            ["checkpoint: 5 vs 4", "fa-barn/months/2026-03: missing vs present"],
            withoutMonths.DifferencesFrom(report));
    }
}
