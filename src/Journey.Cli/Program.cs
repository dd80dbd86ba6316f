using System.CommandLine;
using Journey.Cli;

return await JourneyCli.Create().Parse(args).InvokeAsync();
