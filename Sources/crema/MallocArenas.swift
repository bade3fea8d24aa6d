#if canImport(Glibc)
import Glibc
#endif

/// glibc gives a thread that meets contention a malloc arena of its own, up to eight per core, and
/// every arena keeps memory it once held. Under load a served instance's anonymous memory grew by
/// about 20 MB over its first 140,000 requests before levelling off at 77 MB; with two arenas it
/// levels off at 58 MB after 67,000 and stays there (bench/README.md, "memory"). An explicit
/// `MALLOC_ARENA_MAX` in the environment wins.
enum MallocArenas {
    static func limit(to count: Int32 = 2, environment: [String: String]) {
        #if canImport(Glibc)
        guard environment["MALLOC_ARENA_MAX"] == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else {
            return
        }
        // Swift's Glibc module leaves malloc.h out: mallopt(M_ARENA_MAX, count), with M_ARENA_MAX = -8.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: MallOpt.self)(-8, count)
        #endif
    }
}
