import Foundation
import Hummingbird
import PartnerAPIContract
import Runtime

/// Serves files shipped in this module's resources (`Resources/<folder>`), read once at start-up.
struct BundledFiles {
    let folder: String
    /// The URL path the folder is served under; `index` is served at the path itself.
    let path: String
    let index: String
    let files: [(name: String, type: String)]
    let headers: HTTPFields

    func addRoutes(to router: Router<AppRequestContext>) throws {
        for file in files {
            guard let url = Bundle.module.url(forResource: file.name, withExtension: nil, subdirectory: folder) else {
                throw MissingResource(name: "\(folder)/\(file.name)")
            }
            let bytes = try Data(contentsOf: url)
            var fields = headers
            fields[.contentType] = file.type
            router.get(RouterPath(file.name == index ? path : "\(path)/\(file.name)")) { [fields] _, _ in
                Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
    }
}
