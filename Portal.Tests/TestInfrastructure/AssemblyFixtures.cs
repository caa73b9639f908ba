// Disposes the bUnit test classes' shared apps when the whole test assembly has run.
[assembly: AssemblyFixture(typeof(Portal.Tests.TestInfrastructure.SharedComponentApps))]
