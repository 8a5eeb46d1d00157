using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Saver.Consumers;

/// <summary>
/// What an import announces once per file (the file's facts, its summary, its audit entry), gathered for 100 ms: <c>smctl import</c>
/// sends a few hundred files a second, and each of them written alone cost more than its lines' share of the store. They come one at
/// a time, not in bursts: a batch takes at most <see cref="BatchConsumerDefinition{TConsumer}.OneAtATime"/>.
/// </summary>
public sealed class TranscriptFactsConsumerDefinition(IOptions<PerformanceOptions> performance)
    : BatchConsumerDefinition<TranscriptFactsConsumer>(performance, OneAtATime);

/// <inheritdoc cref="TranscriptFactsConsumerDefinition"/>
public sealed class ImportedSessionConsumerDefinition(IOptions<PerformanceOptions> performance)
    : BatchConsumerDefinition<ImportedSessionConsumer>(performance, OneAtATime);

/// <inheritdoc cref="TranscriptFactsConsumerDefinition"/>
public sealed class AuditConsumerDefinition(IOptions<PerformanceOptions> performance)
    : BatchConsumerDefinition<AuditConsumer>(performance, OneAtATime);
