using Journey.Cli;

return await JourneyCli.RunAsync(args);
