import Foundation

/// The contract the partner API is generated from, as shipped: served at `/openapi.yaml`.
public enum PartnerAPIDocument {
    public static func yaml() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
