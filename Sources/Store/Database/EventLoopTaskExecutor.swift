import NIOCore

/// Runs a task's jobs on one NIO event loop: the loop a PostgreSQL connection reads and writes
/// on. Code run there is in step with the connection's own events, so "is it still open?" and
/// the write that follows cannot be split by a close.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
