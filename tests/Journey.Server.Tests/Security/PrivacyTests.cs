using Grpc.Core;
using Journey.Server.Security;
using Journey.Server.Tests.Infrastructure;
using Journey.Storage;
using Microsoft.Extensions.DependencyInjection;
using Contract = Journey.Contracts.V1;

namespace Journey.Server.Tests.Security;

/// <summary>
/// The raw identity number never reaches the store, the logs or an answer: every number the test sends
/// (valid and invalid, in the person fields and where it does not belong) is looked for in the store
/// files, in everything logged at every level, and in every answer.
/// </summary>
public sealed class PrivacyTests
{
    [Fact]
    public async Task no_identity_number_sent_reaches_the_store_files_the_logs_or_an_answer()
    {
        var logs = new CapturedLogs();
        await using var server = await RunningServer.StartAsync(logs: logs, settings:
        [
            "--Logging:LogLevel:Default=Trace",
            "--Logging:LogLevel:Microsoft=Trace",
            "--Logging:LogLevel:Microsoft.AspNetCore=Trace",
            "--Logging:LogLevel:Grpc=Trace",
            "--Logging:LogLevel:Orleans=Debug",
        ]);
        var sent = new List<string>();
        var answers = new List<string>();
        string Person(DateOnly? born = null)
        {
            var number = Events.NewPerson(born);
            sent.Add(number);
            return number;
        }

        // Valid events: subjects and related persons are pseudonymised and stored.
        var accepted = new List<Contract.JourneyEvent>();
        for (var i = 0; i < 5; i++)
        {
            var birth = Events.FaBarn(Person(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00");
            birth.Related.Add(new Contract.RelatedPerson { Role = "mother", Person = Person(new DateOnly(1990, 5, 17)) });
            birth.Related.Add(new Contract.RelatedPerson { Role = "father", Person = Person(new DateOnly(1988, 1, 2)) });
            accepted.Add(birth);
        }
        foreach (var result in await server.AppendAsAgenciesAsync(accepted))
        {
            Assert.Equal(Contract.EventResult.OutcomeOneofCase.Accepted, result.OutcomeCase);
        }

        // Refused events carry numbers in every field a careless or hostile client might use.
        var invalidNumber = IdentityNumbers.WithDigitChanged(Person(), 10);
        sent.Add(invalidNumber);
        var refused = new List<Action<Contract.JourneyEvent>>
        {
            e => e.Subject = invalidNumber,
            e => e.CaseRef = "sak " + Person(),
            e => e.Attributes["municipality-number"] = Person(),
            e => e.Attributes[Person()] = "x",
            e => e.Activity = "folkeregisteret." + Person(),
            e => e.JourneyType = Person(),
            e => e.EventId = Person(),
            e => e.OccurredAt = Person(),
            e => e.Subject = "fnr-" + Person(),
            e => e.Related.Add(new Contract.RelatedPerson { Role = Person(), Person = Person() }),
            e => e.Agency = Person(),
        };
        var ingest = server.IngestAs("folkeregisteret");
        var batch = new Contract.AppendBatchRequest();
        foreach (var spoil in refused)
        {
            var e = Events.FaBarn(Person(), "folkeregisteret.fodsel.registrert", "2025-03-20T10:00:00+01:00");
            spoil(e);
            var error = await Assert.ThrowsAsync<RpcException>(async () => await ingest.AppendAsync(new Contract.AppendRequest { Event = e }));
            answers.Add(error.Status.Detail);
            answers.AddRange(error.Trailers.Select(t => t.IsBinary ? System.Text.Encoding.UTF8.GetString(t.ValueBytes) : t.Value));
            batch.Events.Add(e);
        }
        using (var call = ingest.AppendStream())
        {
            await call.RequestStream.WriteAsync(batch);
            await call.RequestStream.CompleteAsync();
            var response = Assert.Single(await call.ResponseStream.ReadAllAsync().ToListAsync());
            Assert.All(response.Results, r => Assert.Equal(Contract.EventResult.OutcomeOneofCase.Rejected, r.OutcomeCase));
            answers.Add(response.ToString());
        }

        // Reads (with a number where it does not belong, for the audit trail; the read is refused, as no journey type
        // is named so, and its refusal is an answer too), and a rebuild over the stored events.
        var read = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.LeadTimes.GetLeadTimesAsync(new Contract.GetLeadTimesRequest { JourneyType = sent[0] }));
        Assert.Equal(StatusCode.InvalidArgument, read.StatusCode);
        answers.Add(read.Status.Detail);
        answers.AddRange(read.Trailers.Select(t => t.IsBinary ? System.Text.Encoding.UTF8.GetString(t.ValueBytes) : t.Value));
        using (var rebuild = server.Admin.Rebuild(new Contract.RebuildRequest()))
        {
            await rebuild.ResponseStream.ReadAllAsync().ToListAsync();
        }
        var stored = await server.Services.GetRequiredService<IEventStore>().ReadAllAsync(ReadDirection.Forwards).CountAsync();
        var audited = await server.Services.GetRequiredService<AuditTrail>().Store.ReadAllAsync(ReadDirection.Forwards).CountAsync();
        Assert.True(stored >= accepted.Count && audited > 0, "the valid events and the read's audit record are stored");

        var storeBytes = await ReadDataFilesAsync(server.DataDir);
        var logText = string.Join('\n', logs.Entries);
        var answerText = string.Join('\n', answers);
        Assert.True(logs.Entries.Count > 100, $"only {logs.Entries.Count} log entries were captured");
        foreach (var number in sent)
        {
            Assert.False(StoreScan.Contains(storeBytes, number), $"an identity number reached the store files ({sent.IndexOf(number)})");
            Assert.DoesNotContain(number, logText, StringComparison.Ordinal);
            Assert.DoesNotContain(number, answerText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task the_development_signing_key_is_readable_by_its_owner_only()
    {
        await using var server = await RunningServer.StartAsync();
        var key = Path.Combine(server.DataDir, DevelopmentTokenKey.FileName);

        Assert.True(File.Exists(key));
        // Windows has no Unix modes; there the data directory's own ACL is what protects it.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }
    }

    // Every file the server keeps: the event store and the audit store with their WALs, the projection snapshots.
    private static async Task<byte[]> ReadDataFilesAsync(string dataDir)
    {
        using var all = new MemoryStream();
        foreach (var file in Directory.GetFiles(dataDir, "*", SearchOption.AllDirectories))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await stream.CopyToAsync(all);
        }
        return all.ToArray();
    }
}
