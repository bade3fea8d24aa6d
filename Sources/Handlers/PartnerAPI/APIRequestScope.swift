import Logging
import Store

/// What the partner API's middlewares learn about a request and its handlers need: the request
/// id (for problem bodies and logs) and, once authenticated, the API key. The OpenAPI transport
/// passes handlers only the HTTP request, so these travel as task-locals.
enum APIRequestScope {
    @TaskLocal static var requestID = ""
    @TaskLocal static var logger = Logger(label: "crema.api")
    @TaskLocal static var apiKey: APIKey?
}
