using System.Runtime.InteropServices;

namespace Bridge.Transport;

/// <summary>
/// Looks up libc functions once, through <see cref="NativeLibrary"/> rather than [LibraryImport]: a P/Invoke is
/// bound again when tiered compilation recompiles its caller, and that binding allocated (32 B, once) on the
/// packet thread. Null off Linux x64/arm64, where the callers' struct layouts would not match.
/// </summary>
internal static class LinuxLibc
{
    private static readonly nint Library = Load();

    /// <summary>The address of a libc export, or 0 when it is missing or the platform is not supported.</summary>
    public static nint Resolve(string name) =>
        Library != 0 && NativeLibrary.TryGetExport(Library, name, out var export) ? export : 0;

    private static nint Load() =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64
        && NativeLibrary.TryLoad("libc.so.6", out var libc) ? libc : 0;
}
