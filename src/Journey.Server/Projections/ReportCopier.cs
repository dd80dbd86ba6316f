using Journey.Domain.LeadTimes;
using Orleans.Serialization.Cloning;

namespace Journey.Server.Projections;

/// <summary>
/// Hands a <see cref="LeadTimeReport"/> across a grain call without copying it. Reports are immutable
/// (records over read-only lists), and the JSON round trip Orleans would otherwise make for a domain
/// type costs more than the query itself.
/// </summary>
[RegisterCopier]
internal sealed class ReportCopier : IDeepCopier<LeadTimeReport>
{
    public LeadTimeReport? DeepCopy(LeadTimeReport? input, CopyContext context) => input;
}
