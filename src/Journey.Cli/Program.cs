using Journey.Cli;

JourneyCli.FitOutputToItsDestination();
return await JourneyCli.RunAsync(args);
