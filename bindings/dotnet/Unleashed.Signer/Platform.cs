using System;
using System.Runtime.InteropServices;

namespace Unleashed.Signer
{
    /// <summary>
    /// Which native library this process needs, and a clear error when it has none. The package carries one C
    /// library per runtime identifier, <c>runtimes/&lt;rid&gt;/native/</c>: .NET picks it from the package's assets,
    /// Mono through the <c>dllmap</c>s of <c>Unleashed.Signer.dll.config</c> (by <c>os</c> and <c>cpu</c>). When
    /// neither finds one, the first call into the library throws <see cref="PlatformNotSupportedException"/> naming
    /// this platform and the supported ones, instead of a bare <see cref="DllNotFoundException"/>.
    /// </summary>
    internal static class Platform
    {
        /// <summary>The runtime identifiers the project builds the C library for.</summary>
        internal static readonly string[] Supported = { "linux-x64", "linux-arm64", "win-x64" };

        private static volatile bool _loaded;

        /// <summary>The runtime identifier of this process: <c>linux-x64</c>, <c>linux-arm64</c>...</summary>
        internal static string Current
        {
            get { return RuntimeIdentifier(OperatingSystem(), RuntimeInformation.ProcessArchitecture); }
        }

        /// <summary>The runtime identifier for an operating system (<c>linux</c>, <c>win</c>, <c>osx</c>) and an
        /// architecture, as .NET names them.</summary>
        internal static string RuntimeIdentifier(string os, Architecture architecture)
        {
            string arch;
            switch (architecture)
            {
                case Architecture.X64:
                    arch = "x64";
                    break;
                case Architecture.Arm64:
                    arch = "arm64";
                    break;
                case Architecture.X86:
                    arch = "x86";
                    break;
                case Architecture.Arm:
                    arch = "arm";
                    break;
                default:
                    arch = architecture.ToString().ToLowerInvariant();
                    break;
            }
            return os + "-" + arch;
        }

        /// <summary>What a process that cannot load the library is told: its platform and the supported ones.</summary>
        internal static string MissingLibraryMessage(string rid, string cause)
        {
            string supported = string.Join(", ", Supported);
            if (Array.IndexOf(Supported, rid) < 0)
            {
                return "Unleashed.Signer does not support " + rid + " (" + cause + "): its package carries the C "
                    + "library for " + supported + " only. Build the C library for " + rid + " (cargo build --release "
                    + "-p unleashed-signer-ffi) and put it next to the application as libunleashed_signer.so.";
            }
            return "Unleashed.Signer cannot load its C library for " + rid + " (" + cause + "): it looks in "
                + "runtimes/" + rid + "/native/ of its package (it supports " + supported + "). Reinstall the "
                + "package; with Mono, keep runtimes/ and Unleashed.Signer.dll.config beside Unleashed.Signer.dll "
                + "(without that file, Mono loads libunleashed_signer.so from next to the application).";
        }

        /// <summary>Loads the library once (through <c>unleashed_version</c>), or throws the error above.</summary>
        internal static void Require()
        {
            if (_loaded)
            {
                return;
            }
            try
            {
                Native.unleashed_version();
                _loaded = true;
            }
            catch (DllNotFoundException e)
            {
                throw new PlatformNotSupportedException(MissingLibraryMessage(Current, e.Message), e);
            }
            catch (BadImageFormatException e)
            {
                throw new PlatformNotSupportedException(MissingLibraryMessage(Current, e.Message), e);
            }
        }

        private static string OperatingSystem()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return "win";
            }
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                return "osx";
            }
            return RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux" : "unknown";
        }
    }
}
