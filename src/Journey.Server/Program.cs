using Journey.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddJourneyServer();

var app = builder.Build();
app.MapJourneyEndpoints();
app.Run();
