using System.Runtime.CompilerServices;

// The tests read the key storage (KeyStorage) to check that it is wiped.
[assembly: InternalsVisibleTo("Unleashed.Signer.Tests")]
