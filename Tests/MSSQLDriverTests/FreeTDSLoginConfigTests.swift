import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

@Suite("the private freetds.conf section each login reads")
struct FreeTDSLoginConfigTests {
    private static let password = "pw-that-must-not-leak;#"

    private func configuration(
        _ tls: TLSMode, port: Int? = 14339, instance: String? = nil, caFile: String? = nil
    ) -> ConnectionConfiguration {
        ConnectionConfiguration(
            backend: .sqlServer, host: "db.example.test", port: port, instanceName: instance, database: "sales",
            user: "app_user", password: Secret(Self.password), tls: tls, tlsRootCertificatePath: caFile,
            applicationName: "config-tests")
    }

    /// The `option = value` lines of the section, by option.
    private func options(_ text: String) -> [String: String] {
        var options: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { options[parts[0]] = parts[1] }
        }
        return options
    }

    @Test("each TLS mode maps to FreeTDS's encryption level, CA file and hostname check")
    func tlsModes() throws {
        let expected: [TLSMode: (encryption: String, caFile: String?, hostname: String?)] = [
            .disable: ("off", nil, nil),
            .allow: ("request", nil, nil),
            .prefer: ("request", nil, nil),
            .require: ("require", nil, nil),
            .verifyCA: ("require", "system", "no"),
            .verifyFull: ("require", "system", "yes"),
        ]
        for mode in TLSMode.allCases {
            let want = try #require(expected[mode])
            let text = try FreeTDSLoginConfig(configuration(mode)).text
            let options = options(text)
            #expect(options["encryption"] == want.encryption, "\(mode)")
            #expect(options["ca file"] == want.caFile, "\(mode)")
            #expect(options["check certificate hostname"] == want.hostname, "\(mode)")
            #expect(options["host"] == "db.example.test")
            #expect(options["port"] == "14339")
            #expect(options["tds version"] == "7.4")
            #expect(text.hasPrefix("[db.example.test]\n"))
        }
    }

    @Test("verify modes name the configured CA file")
    func caFile() throws {
        for mode in [TLSMode.verifyCA, .verifyFull] {
            let options = options(try FreeTDSLoginConfig(configuration(mode, caFile: "/etc/my ca/root.pem")).text)
            #expect(options["ca file"] == "/etc/my ca/root.pem")
        }
        // require never verifies, even with a CA file configured.
        let require = options(try FreeTDSLoginConfig(configuration(.require, caFile: "/etc/root.pem")).text)
        #expect(require["ca file"] == nil)
    }

    @Test("the section never holds the password, the user, the database or the application name")
    func noSecrets() throws {
        for mode in TLSMode.allCases {
            let text = try FreeTDSLoginConfig(configuration(mode, caFile: "/tmp/ca.pem")).text
            #expect(!text.contains(Self.password))
            #expect(!text.contains("pw-that"))
            #expect(!text.contains("app_user"))
            #expect(!text.contains("sales"))
            #expect(!text.contains("config-tests"))
        }
    }

    @Test("host\\instance writes the instance and the Browser's port; a port wins over an instance; none is 1433")
    func instanceAndPort() throws {
        var config = try FreeTDSLoginConfig(configuration(.prefer, port: nil, instance: "SQLEXPRESS"))
        #expect(config.port == nil)
        #expect(options(config.text)["instance"] == "SQLEXPRESS")
        config.port = 49_999  // as the driver does with SQLBrowserLookup's answer
        let named = options(config.text)
        #expect(named["instance"] == "SQLEXPRESS")
        #expect(named["port"] == "49999")
        let both = options(try FreeTDSLoginConfig(configuration(.prefer, port: 2000, instance: "SQLEXPRESS")).text)
        #expect(both["port"] == "2000")
        #expect(both["instance"] == nil)
        let neither = options(try FreeTDSLoginConfig(configuration(.prefer, port: nil)).text)
        #expect(neither["port"] == "1433")
        #expect(neither["instance"] == nil)
    }

    @Test("tds_version picks the version line; an unknown one is refused")
    func tdsVersion() throws {
        var configuration = configuration(.prefer)
        configuration.options["tds_version"] = "7.2"
        #expect(options(try FreeTDSLoginConfig(configuration).text)["tds version"] == "7.2")
        configuration.options["tds_version"] = "5.0"
        #expect { try FreeTDSLoginConfig(configuration) } throws: {
            ($0 as? DatabaseError)?.kind == .invalidConfiguration
        }
    }

    @Test(
        "values freetds.conf cannot carry are refused, not cut short",
        arguments: [
            ("host", "db.example.test;port=1"), ("host", "db#1"), ("host", "db\nport = 1"), ("host", "db]x"),
            ("host", "a=b"), ("host", ""), ("instance", "A;B"), ("instance", "A\tB"), ("ca", "/etc/a#b.pem"),
            ("ca", "/etc/a  b.pem"), ("ca", "/" + String(repeating: "a", count: 300)),
        ])
    func refusedValues(field: String, value: String) {
        var configuration = configuration(.verifyFull)
        switch field {
        case "host": configuration.host = value
        case "instance":
            configuration.port = nil
            configuration.instanceName = value
        default: configuration.tlsRootCertificatePath = value
        }
        #expect { try FreeTDSLoginConfig(configuration) } throws: { error in
            guard let error = error as? DatabaseError else { return false }
            return error.kind == .invalidConfiguration && !error.debugDescription.contains(Self.password)
        }
    }

    @Test("the failure hints name TLS for require and stricter, after a connection was made")
    func hints() {
        for mode in [TLSMode.disable, .allow, .prefer] {
            #expect(LoginFailureHints.tls(configuration(mode)) == nil)
        }
        let require = LoginFailureHints.tls(configuration(.require)) ?? ""
        #expect(require.contains("TLS was required (tls=require)"))
        #expect(require.contains("may not offer encryption"))
        #expect(!require.contains("certificate"))
        let verifyCA = LoginFailureHints.tls(configuration(.verifyCA, caFile: "/etc/root.pem")) ?? ""
        #expect(verifyCA.contains("the CA file /etc/root.pem"))
        #expect(!verifyCA.contains("name the host"))
        let verifyFull = LoginFailureHints.tls(configuration(.verifyFull)) ?? ""
        #expect(verifyFull.contains("the system's trusted CAs"))
        #expect(verifyFull.contains("does not name the host 'db.example.test'"))
        // No connection at all (20009 no socket, 20013 unknown host): TLS played no part.
        #expect(LoginFailureHints.text(for: configuration(.require), dblibNumber: 20009) == nil)
        #expect(LoginFailureHints.text(for: configuration(.require), dblibNumber: 20013) == nil)
        let failedAfterConnect = LoginFailureHints.text(for: configuration(.require), dblibNumber: 20002) ?? ""
        #expect(failedAfterConnect.contains("TLS was required"))
        #expect(LoginFailureHints.text(for: configuration(.prefer), dblibNumber: 20002) == nil)
    }

    @Test("a CA file named 'system' (any case) is written as ./system, not taken for the system's trusted CAs")
    func caFileNamedSystem() throws {
        for name in ["system", "SYSTEM", "System"] {
            let options = options(try FreeTDSLoginConfig(configuration(.verifyFull, caFile: name)).text)
            #expect(options["ca file"] == "./\(name)")
        }
        let absolute = options(try FreeTDSLoginConfig(configuration(.verifyCA, caFile: "/etc/ssl/system")).text)
        #expect(absolute["ca file"] == "/etc/ssl/system")
        #expect(options(try FreeTDSLoginConfig(configuration(.verifyCA)).text)["ca file"] == "system")
    }

    @Test("a CA path that is a directory, or missing, is a configuration error")
    func caFileMustBeARegularFile() throws {
        let directory = NSTemporaryDirectory() + "ca-dir-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for path in [directory, directory + "/missing.pem"] {
            let config = try FreeTDSLoginConfig(configuration(.verifyFull, caFile: path))
            let error = try #require(databaseError { try config.checkCAFileReadable() })
            #expect(error.kind == .invalidConfiguration)
            #expect(error.message.contains("not a regular file"))
        }
        let file = directory + "/root.pem"
        try Data("not checked here".utf8).write(to: URL(fileURLWithPath: file))
        try FreeTDSLoginConfig(configuration(.verifyFull, caFile: file)).checkCAFileReadable()
    }

    @Test("the private directory must be a real directory of this user with mode 0700")
    func privateDirectoryCheck() throws {
        let base = NSTemporaryDirectory() + "private-check-\(UUID().uuidString)"
        let manager = FileManager.default
        try manager.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? manager.removeItem(atPath: base) }
        let good = base + "/good"
        try manager.createDirectory(
            atPath: good, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        #expect(FreeTDSLoginFiles.isPrivateDirectory(good))
        let open = base + "/open"
        try manager.createDirectory(
            atPath: open, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        #expect(!FreeTDSLoginFiles.isPrivateDirectory(open))
        let link = base + "/link"
        try manager.createSymbolicLink(atPath: link, withDestinationPath: good)
        #expect(!FreeTDSLoginFiles.isPrivateDirectory(link))
        let file = base + "/file"
        #expect(manager.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o700]))
        #expect(!FreeTDSLoginFiles.isPrivateDirectory(file))
        #expect(!FreeTDSLoginFiles.isPrivateDirectory(base + "/missing"))
        #expect(FreeTDSLoginFiles.isPrivateDirectory(try FreeTDSLoginFiles.shared.directoryPath()))
    }

    @Test("a written file holds the section, is private, and has no name any other user could reach")
    func writtenFile() throws {
        // Under the login lock, as the driver writes them, so that the leftover checks never see this file.
        try DBLibEnvironment.shared.loginLock.withLock {
            let files = FreeTDSLoginFiles.shared
            let config = try FreeTDSLoginConfig(configuration(.verifyFull))
            let file = try files.write(config)
            defer { files.remove(file) }
            // FreeTDS fopen()s the path: it must read back the section.
            #expect(try String(contentsOfFile: file.path, encoding: .utf8) == config.text)
            var info = stat()
            #expect(fstat(file.descriptor, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            #expect(info.st_uid == geteuid())
            #if os(Linux)
                // No directory entry at all: nothing to swap.
                #expect(file.path == "/proc/self/fd/\(file.descriptor)")
                #expect(file.linkedPath == nil)
                #expect(info.st_nlink == 0)
            #else
                let linked = try #require(file.linkedPath)
                let directory = (linked as NSString).deletingLastPathComponent
                #expect(FreeTDSLoginFiles.isPrivateDirectory(directory))
                files.remove(file)
                #expect(!FileManager.default.fileExists(atPath: linked))
            #endif
        }
    }
}
