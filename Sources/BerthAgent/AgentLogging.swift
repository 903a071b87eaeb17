import Logging

/// Logging setup for the `berthd` executable.
public enum AgentLogging {
    /// Sends all logs to stderr at `level` and returns the agent's root logger. Call once, first thing.
    public static func bootstrap(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "berthd")
        logger.logLevel = level
        return logger
    }
}
