import ArgumentParser
import Foundation
import Handlers
import Store

struct CreateAdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create an admin-panel account, or reset an existing one's password and role (its sessions end).",
        discussion: "The password is asked for on a terminal, or read from the first line of standard input."
    )

    @Option(help: "The admin's email; it is their login.")
    var email: String

    @Option(help: "owner, admin or viewer")
    var role = "owner"

    @Option(help: "The location (slug) an admin or viewer manages alone; without it, the whole chain.")
    var location: String?

    func validate() throws {
        guard AdminRole(rawValue: role) != nil else { throw ValidationError("--role must be owner, admin or viewer") }
        guard location == nil || role != "owner" else {
            throw ValidationError("an owner manages the whole chain: --location is for admins and viewers")
        }
        guard email.range(of: #"^[^@\s]+@[^@\s]+$"#, options: .regularExpression) != nil, email.count <= 254 else {
            throw ValidationError("--email must look like name@example.com")
        }
    }

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema.create-admin")
        try await bootstrap.reportingFailures {
            let password = try readPassword()
            guard password.count >= PasswordHasher.minimumLength else {
                fail("the password must have at least \(PasswordHasher.minimumLength) characters")
            }
            let hash = try await PasswordHasher().hash(password)
            let outcome: (id: Int64, created: Bool)
            do {
                outcome = try await bootstrap.withDatabase { database in
                    try await AdminAccounts(database: database, logger: bootstrap.logger).createOrReset(
                        email: email, passwordHash: hash, role: AdminRole(rawValue: role)!, locationSlug: location, at: bootstrap.clock.now
                    )
                }
            } catch AdminAccountError.unknownLocation {
                fail("no open location \(location ?? "")")
            }
            let scope = location.map { " for the location \($0)" } ?? ""
            print(
                outcome.created
                    ? "admin #\(outcome.id) \(email.lowercased()) created as \(role)\(scope)"
                    : "admin #\(outcome.id) \(email.lowercased()): password and role reset, sessions ended")
        }
    }

    private func readPassword() throws -> String {
        if isatty(STDIN_FILENO) == 1 {
            guard let typed = getpass("Password for \(email): ") else { fail("no password given") }
            return String(cString: typed)
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
