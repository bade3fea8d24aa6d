import ArgumentParser
import NIOCore
import NIOPosix

// Swift's global executor becomes NIO's event loops, so a request's async code and its socket
// I/O run on the same threads instead of hopping between two pools on every query
// (bench/README.md, "Sale confirmation"). Nothing here blocks a thread: bcrypt runs on NIO's
// blocking pool. It must happen before any other concurrency code runs.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
await runCrema()

/// Inside an async function the compiler picks `AsyncParsableCommand.main()`; top-level code
/// would pick the synchronous one.
func runCrema() async {
    await Crema.main()
}
