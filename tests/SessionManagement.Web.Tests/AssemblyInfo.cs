using SessionManagement.Testing;

[assembly: AssemblyFixture(typeof(InfrastructureFixture))]
