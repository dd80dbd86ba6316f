namespace Journey.Domain.Catalog;

/// <summary>
/// The catalog data is missing or wrong. The message names the file and the entry, e.g.
/// <c>fa-barn.v1.json: services[2] 'foreldrepenger': decisionActivity 'nav.x' is not an activity of journey type 'fa-barn'</c>.
/// </summary>
public sealed class CatalogException : Exception
{
    public CatalogException(string message)
        : base(message)
    {
    }

    public CatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
