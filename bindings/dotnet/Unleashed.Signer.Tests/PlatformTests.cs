using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using NUnit.Framework;

namespace Unleashed.Signer.Tests
{
    /// <summary>
    /// Which C library the process loads (runtimes/&lt;rid&gt;/native/ for its own platform) and the error on a
    /// platform without one. bindings/dotnet/arm64-test.sh also runs a program against a layout that lacks the
    /// running platform's library, on x86_64 and on arm64 under qemu, and checks that it fails with that error.
    /// </summary>
    [TestFixture]
    public class PlatformTests
    {
        [Test]
        public void RuntimeIdentifiersAreDotNets()
        {
            Assert.AreEqual("linux-x64", Platform.RuntimeIdentifier("linux", Architecture.X64));
            Assert.AreEqual("linux-arm64", Platform.RuntimeIdentifier("linux", Architecture.Arm64));
            Assert.AreEqual("win-x64", Platform.RuntimeIdentifier("win", Architecture.X64));
            Assert.AreEqual("linux-arm", Platform.RuntimeIdentifier("linux", Architecture.Arm));
            Assert.AreEqual("osx-x86", Platform.RuntimeIdentifier("osx", Architecture.X86));
            CollectionAssert.AreEqual(new[] { "linux-x64", "linux-arm64", "win-x64" }, Platform.Supported);
        }

        [Test]
        public void TheLibraryLoadedIsTheOneForThisPlatform()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                Assert.AreEqual("win-x64", Platform.Current); // the only other platform built; no /proc there
                return;
            }
            Assert.AreEqual(
                RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64",
                Platform.Current);
            Assert.IsNotEmpty(SigningKey.LibraryVersion); // loads the library
            var mapped = File.ReadAllLines("/proc/self/maps")
                .Select(line => line.Split(new[] { ' ' }, 6, StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length == 6 && fields[5].EndsWith("/libunleashed_signer.so"))
                .Select(fields => fields[5]).Distinct().ToList();
            Assert.AreEqual(1, mapped.Count, "libunleashed_signer.so mapped from: " + string.Join(", ", mapped));
            // From the package's runtimes/<rid>/native/ (Mono through the dllmap, .NET from a package), or flat next
            // to the assembly (a .NET build's output directory); never another platform's directory.
            string assemblyDirectory = Path.GetDirectoryName(typeof(SigningKey).Assembly.Location);
            string ours = "/runtimes/" + Platform.Current + "/native/libunleashed_signer.so";
            Assert.IsTrue(
                mapped[0].EndsWith(ours) || mapped[0] == Path.Combine(assemblyDirectory, "libunleashed_signer.so"),
                "loaded " + mapped[0] + ", not ..." + ours);
        }

        [Test]
        public void AnUnsupportedPlatformIsNamedWithTheSupportedOnes()
        {
            string message = Platform.MissingLibraryMessage("linux-riscv64", "cause");
            StringAssert.StartsWith("Unleashed.Signer does not support linux-riscv64 (cause): ", message);
            StringAssert.Contains("carries the C library for linux-x64, linux-arm64, win-x64 only", message);
        }

        [Test]
        public void AMissingLibraryOfASupportedPlatformIsNamedWithWhereItIsLookedFor()
        {
            string message = Platform.MissingLibraryMessage("linux-arm64", "cause");
            StringAssert.StartsWith("Unleashed.Signer cannot load its C library for linux-arm64 (cause): ", message);
            StringAssert.Contains("runtimes/linux-arm64/native/ of its package (it supports linux-x64, linux-arm64,"
                + " win-x64)", message);
        }
    }
}
