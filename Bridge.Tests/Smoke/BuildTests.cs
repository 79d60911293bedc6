namespace Bridge.Tests.Smoke;

public class BuildTests
{
    [Fact]
    public void Bridge_assembly_loads()
    {
        Assert.Equal("bridge", typeof(Bridge.Program).Assembly.GetName().Name);
    }
}
