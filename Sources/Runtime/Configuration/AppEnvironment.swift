/// Where the app runs; decides which secrets may be generated and which pages exist.
public enum AppEnvironment: String, Sendable, CaseIterable {
    case dev, test, prod
}
