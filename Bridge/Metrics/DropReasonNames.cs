namespace Bridge.Metrics;

/// <summary>snake_case label values for <see cref="DropReason"/>, as operators see them in Prometheus and stats.</summary>
public static class DropReasonNames
{
    private static readonly string[] Names = [.. Enum.GetValues<DropReason>().Select(ToSnakeCase)];

    /// <summary>The label value of a reason.</summary>
    public static string Of(DropReason reason) => Names[(int)reason];

    private static string ToSnakeCase(DropReason reason)
    {
        var name = reason.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
