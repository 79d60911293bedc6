namespace Bridge;

/// <summary>Entry point of the bridge process.</summary>
public static class Program
{
    /// <summary>Starts the bridge.</summary>
    public static void Main() => Console.WriteLine("bridge");
}
