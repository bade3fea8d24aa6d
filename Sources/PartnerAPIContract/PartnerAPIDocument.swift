import Foundation

/// The contract the partner API is generated from, as shipped: served at `/openapi.yaml`.
public enum PartnerAPIDocument {
    public static func yaml() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw MissingResource(name: "openapi.yaml")
        }
        return try Data(contentsOf: url)
    }
}

/// A file the build ships beside the binary (in its `*.resources` bundle) is not there.
public struct MissingResource: Error, CustomStringConvertible {
    public var name: String

    public init(name: String) {
        self.name = name
    }

    public var description: String {
        "\(name) is missing from the resource bundles beside the crema binary; install them together"
    }
}
