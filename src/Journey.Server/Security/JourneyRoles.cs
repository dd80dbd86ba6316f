namespace Journey.Server.Security;

/// <summary>
/// Who may do what (PRODUCT.md): agencies emit their own events; process owners read aggregates;
/// researchers replay and export pseudonymised data; admins rebuild and migrate. Each role is also the
/// name of the authorisation policy that admits it, for <c>[Authorize(Policy = JourneyRoles.X)]</c>.
/// </summary>
public static class JourneyRoles
{
    public const string Agency = "agency";
    public const string ProcessOwner = "process-owner";
    public const string Researcher = "researcher";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Agency, ProcessOwner, Researcher, Admin];
}
