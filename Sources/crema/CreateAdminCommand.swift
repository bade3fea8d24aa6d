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

    func validate() throws {
        guard AdminRole(rawValue: role) != nil else { throw ValidationError("--role must be owner, admin or viewer") }
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
            let (id, created) = try await bootstrap.withDatabase { database in
                try await AdminAccounts(database: database, logger: bootstrap.logger).createOrReset(
                    email: email, passwordHash: hash, role: AdminRole(rawValue: role)!, at: bootstrap.clock.now
                )
            }
            print(
                created
                    ? "admin #\(id) \(email.lowercased()) created as \(role)"
                    : "admin #\(id) \(email.lowercased()): password and role reset, sessions ended")
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
