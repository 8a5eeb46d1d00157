using SessionManagement.Testing;

[assembly: AssemblyFixture(typeof(InfrastructureFixture))]

// Each scenario runs hosts and hundreds of processes against its faults: one at a time, so they do not fault each other.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
