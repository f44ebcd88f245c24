//! TLS in Nexus.Net against real clients and servers: the https_file_server example with curl
//! and Python's ssl (TLS 1.2 and 1.3, bytes exact), bad clients (garbage instead of a
//! ClientHello, a stalled handshake) dropped and logged while others are served, SNI,
//! `setCertificates`, `serve({ tls })`, a TLS Acceptor, `Nexus.Net.TLS.connect` and the errors of
//! bad PEM. Every certificate is made at test time by openssl: a test CA and leaves for a.test
//! and b.test (both also for 127.0.0.1), and a second CA nobody trusts.

mod common;

use common::{Server, example, files_under, fixture, free_port, nexus_fixture, tool};
use std::path::PathBuf;
use std::process::Stdio;

/// The certificates of one test, in a directory of its own.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn new(name: &str) -> Pki {
        let dir = std::env::temp_dir().join(format!("nexus-tls-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let pki = Pki { dir };
        pki.authority("ca");
        pki.authority("stranger");
        pki.leaf("a.test", "ca");
        pki.leaf("b.test", "ca");
        pki
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }

    fn openssl(&self, args: &[&str]) {
        let out = tool("openssl")
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A CA: `name.pem` and `name.key`.
    fn authority(&self, name: &str) {
        let subject = format!("/CN=Nexus test {name}");
        let (cert, key) = (format!("{name}.pem"), format!("{name}.key"));
        self.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            &subject,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            &key,
            "-out",
            &cert,
        ]);
    }

    /// A leaf for `name` and 127.0.0.1 signed by `ca`: `name.pem` and `name.key`.
    fn leaf(&self, name: &str, ca: &str) {
        let (cert, key, csr) = (
            format!("{name}.pem"),
            format!("{name}.key"),
            format!("{name}.csr"),
        );
        let extensions = format!("{name}.ext");
        std::fs::write(
            self.dir.join(&extensions),
            format!(
                "subjectAltName=DNS:{name},IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n\
                 extendedKeyUsage=serverAuth\n"
            ),
        )
        .unwrap();
        self.openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            &format!("/CN={name}"),
            "-keyout",
            &key,
            "-out",
            &csr,
        ]);
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            &extensions,
            "-out",
            &cert,
        ]);
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs a Python 3 program with `args`; its stdout (it must succeed).
fn python(program: &str, args: &[&str]) -> String {
    let out = tool("python3")
        .arg("-c")
        .arg(program)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// curl over HTTPS trusting the test CA, with `extra` options: the body, and the TLS version
/// curl's verbose log names.
fn curl(pki: &Pki, url: &str, extra: &[&str]) -> (Vec<u8>, String) {
    let out = tool("curl")
        .args(["-sS", "-v", "--fail", "--noproxy", "*", "--max-time", "10"])
        .args(["--cacert", &pki.path("ca.pem")])
        .args(extra)
        .arg(url)
        .output()
        .expect("curl runs");
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "curl {url} {extra:?}: {log}");
    let version = log
        .lines()
        .find_map(|l| l.split("SSL connection using ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("curl names no TLS version:\n{log}"))
        .to_string();
    (out.stdout, version)
}

fn https_file_server(pki: &Pki) -> (Server, u16) {
    let mut server = Server::start(&[
        &example("https_file_server.js"),
        &pki.path("a.test.pem"),
        &pki.path("a.test.key"),
        "0",
    ]);
    let stdout = server.wait_for_stdout("listening at https://127.0.0.1:");
    let port = stdout
        .lines()
        .find_map(|l| l.rsplit_once("127.0.0.1:"))
        .and_then(|(_, port)| port.trim().parse().ok())
        .expect("a port");
    (server, port)
}

/// tests/fixtures/tls/hello_server.js with certificates A (a.test) and B (b.test), and `extra`.
fn hello_server(pki: &Pki, extra: &[&str]) -> (Server, u16) {
    let mut args = vec![
        pki.path("a.test.pem"),
        pki.path("a.test.key"),
        pki.path("b.test.pem"),
        pki.path("b.test.key"),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut server = Server::start_fixture("tls/hello_server.js", &args);
    let port = server.listening_port();
    (server, port)
}

fn site() -> PathBuf {
    PathBuf::from(example("site"))
}

#[test]
fn curl_gets_every_site_file_byte_for_byte_over_tls_1_2_and_1_3() {
    let pki = Pki::new("curl");
    let (_server, port) = https_file_server(&pki);
    let files = files_under(&site());
    assert!(files.len() >= 4, "site/ has {files:?}");
    for (options, expected) in [
        (&["--tlsv1.3"][..], "TLSv1.3"),
        (&["--tlsv1.2", "--tls-max", "1.2"][..], "TLSv1.2"),
    ] {
        for file in &files {
            let url = format!("https://127.0.0.1:{port}/{}", file.display());
            let (body, version) = curl(&pki, &url, options);
            assert_eq!(version, expected, "{url}");
            assert!(
                body == std::fs::read(site().join(file)).unwrap(),
                "{url} over {version}: the body differs ({} bytes)",
                body.len()
            );
        }
    }
    let (index, _) = curl(&pki, &format!("https://127.0.0.1:{port}/"), &[]);
    assert_eq!(index, std::fs::read(site().join("index.html")).unwrap());
}

/// Fetches `path` over one connection with Python's http.client on ssl, offering ALPN h2 and
/// http/1.1; prints the TLS version, the protocol ALPN chose, the status and the body's length,
/// then the body.
const PYTHON_GET: &str = r#"
import http.client, ssl, sys
port, ca, version, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
context = ssl.create_default_context(cafile=ca)
pinned = ssl.TLSVersion.TLSv1_2 if version == '1.2' else ssl.TLSVersion.TLSv1_3
context.minimum_version = context.maximum_version = pinned
context.set_alpn_protocols(['h2', 'http/1.1'])
connection = http.client.HTTPSConnection('127.0.0.1', port, context=context)
connection.request('GET', path)
response = connection.getresponse()
body = response.read()
sock = connection.sock
sys.stdout.write(f'{sock.version()} {sock.selected_alpn_protocol()} {response.status} {len(body)}\n')
sys.stdout.flush()  # before the bytes go to the buffer under it (Python 3.12 would put them first)
sys.stdout.buffer.write(body)
"#;

#[test]
fn python_ssl_client_gets_the_site_over_tls_1_2_and_1_3_with_alpn_http_1_1() {
    let pki = Pki::new("python");
    let (_server, port) = https_file_server(&pki);
    let index = std::fs::read(site().join("index.html")).unwrap();
    for (version, name) in [("1.2", "TLSv1.2"), ("1.3", "TLSv1.3")] {
        let out = python(
            PYTHON_GET,
            &[&port.to_string(), &pki.path("ca.pem"), version, "/"],
        );
        let (head, body) = out.split_once('\n').unwrap();
        assert_eq!(head, format!("{name} http/1.1 200 {}", index.len()));
        assert!(body.as_bytes() == index, "the body over {name} differs");
    }
}

/// Opens a client that sends garbage instead of a ClientHello and one that sends nothing, then,
/// while the silent one is still open, makes a whole HTTPS exchange; prints what each saw.
const PYTHON_BAD_CLIENTS: &str = r#"
import socket, ssl, sys, time
port, ca = int(sys.argv[1]), sys.argv[2]
garbage = socket.create_connection(('127.0.0.1', port))
garbage.sendall(b'GET / HTTP/1.1\r\nHost: not-tls\r\n\r\n')
stalled = socket.create_connection(('127.0.0.1', port))
context = ssl.create_default_context(cafile=ca)
with context.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='a.test') as good:
    good.sendall(b'GET /good HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n')
    answer = b''
    while chunk := good.recv(4096):
        answer += chunk
print('good:', answer.split(b'\r\n')[0].decode(), answer.split(b'\r\n\r\n')[1].decode().strip())
def until_closed(sock):
    start = time.time()
    sock.settimeout(10)
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass
    return time.time() - start
until_closed(garbage)
print('garbage: closed')
waited = until_closed(stalled)
print('stalled: closed', 'in time' if waited < 5 else f'after {waited}s')
"#;

#[test]
fn garbage_and_stalled_handshakes_are_dropped_and_logged_while_others_are_served() {
    let pki = Pki::new("bad");
    let (mut server, port) = hello_server(&pki, &[]);
    let out = python(
        PYTHON_BAD_CLIENTS,
        &[&port.to_string(), &pki.path("ca.pem")],
    );
    assert_eq!(
        out,
        "good: HTTP/1.1 200 OK hello /good\ngarbage: closed\nstalled: closed in time\n"
    );
    server.wait_until("both bad clients logged", |_, err| {
        err.contains("the TLS handshake did not finish in time")
    });
    let log = server.stderr();
    let lines: Vec<_> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("nexus: TLS with 127.0.0.1:")),
        "{log}"
    );
    assert!(log.contains("received corrupt message"), "{log}");
    let (_, version) = curl(&pki, &format!("https://127.0.0.1:{port}/after"), &[]);
    assert_eq!(version, "TLSv1.3");
}

#[test]
fn a_large_file_piped_into_a_response_arrives_whole_over_tls() {
    let pki = Pki::new("file");
    let (_server, port) = hello_server(&pki, &[]);
    let file = pki.dir.join("large.bin");
    let bytes: Vec<u8> = (0..3u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&file, &bytes).unwrap();
    let url = format!("https://127.0.0.1:{port}/file{}", file.display());
    for options in [&["--tlsv1.3"][..], &["--tlsv1.2", "--tls-max", "1.2"][..]] {
        let (body, version) = curl(&pki, &url, options);
        assert!(
            body == bytes,
            "{version}: {} bytes, not the file's {}",
            body.len(),
            bytes.len()
        );
    }
}

/// Makes `count` HTTPS connections, one request each for /realm; prints how many answers each
/// realm gave, as `ID=N`, sorted.
const PYTHON_REALMS: &str = r#"
import collections, http.client, ssl, sys
port, ca, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
context = ssl.create_default_context(cafile=ca)
served = collections.Counter()
for _ in range(count):
    connection = http.client.HTTPSConnection('127.0.0.1', port, context=context)
    connection.request('GET', '/realm')
    served[connection.getresponse().read().decode().split()[1]] += 1
    connection.close()
print(' '.join(f'{realm}={n}' for realm, n in sorted(served.items())))
"#;

#[test]
fn https_with_realms_is_served_by_every_realm() {
    let pki = Pki::new("realms");
    let port = free_port();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_nexus"));
    command
        .args(["--realms", "2"])
        .arg(fixture("tls/hello_server.js"))
        .args([
            pki.path("a.test.pem"),
            pki.path("a.test.key"),
            pki.path("b.test.pem"),
            pki.path("b.test.key"),
        ])
        .env("TLS_TEST_PORT", port.to_string());
    let mut server = Server::spawn(&mut command);
    server.wait_until("two realms listening", |out, _| {
        out.lines()
            .filter(|l| l.starts_with("listening on"))
            .count()
            == 2
    });
    let out = python(
        PYTHON_REALMS,
        &[&port.to_string(), &pki.path("ca.pem"), "60"],
    );
    let counts: Vec<usize> = out
        .split_whitespace()
        .map(|pair| pair.rsplit_once('=').unwrap().1.parse().unwrap())
        .collect();
    assert!(
        out.starts_with("0=") && out.contains(" 1=") && counts.iter().sum::<usize>() == 60,
        "{out}"
    );
}

/// Prints the subject CN of the certificate the server presents to `name` (SNI; none for an IP).
const PYTHON_PEER_NAME: &str = r#"
import socket, ssl, sys
port, ca, names = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
context = ssl.create_default_context(cafile=ca)
for name in names:
    with context.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname=name) as s:
        subject = dict(pair[0] for pair in s.getpeercert()['subject'])
        print(name, subject['commonName'])
"#;

#[test]
fn sni_picks_the_certificate_and_the_first_is_the_default() {
    let pki = Pki::new("sni");
    let (_server, port) = hello_server(&pki, &["sni"]);
    let out = python(
        PYTHON_PEER_NAME,
        &[
            &port.to_string(),
            &pki.path("ca.pem"),
            "a.test",
            "b.test",
            "127.0.0.1",
        ],
    );
    assert_eq!(out, "a.test a.test\nb.test b.test\n127.0.0.1 a.test\n");
    // curl checks the name itself: each succeeds only with its own certificate.
    for name in ["a.test", "b.test"] {
        let url = format!("https://{name}:{port}/{name}");
        let resolve = format!("{name}:{port}:127.0.0.1");
        let (body, _) = curl(&pki, &url, &["--resolve", &resolve]);
        assert_eq!(body, format!("hello /{name}\n").as_bytes());
    }
}

/// Over one keep-alive connection: a request, /swap, and another request, printing the
/// certificate's CN each time; then a new connection's CN.
const PYTHON_SWAP: &str = r#"
import http.client, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
context = ssl.create_default_context(cafile=ca)
def cn(connection):
    return dict(pair[0] for pair in connection.sock.getpeercert()['subject'])['commonName']
old = http.client.HTTPSConnection('127.0.0.1', port, context=context)
for path in ['/before', '/swap', '/after']:
    old.request('GET', path)
    body = old.getresponse().read().decode().strip()
    print('old', cn(old), body)
new = http.client.HTTPSConnection('127.0.0.1', port, context=context)
new.request('GET', '/new')
print('new', cn(new), new.getresponse().read().decode().strip())
"#;

#[test]
fn set_certificates_takes_effect_for_new_connections_only() {
    let pki = Pki::new("swap");
    let (_server, port) = hello_server(&pki, &[]);
    let out = python(PYTHON_SWAP, &[&port.to_string(), &pki.path("ca.pem")]);
    assert_eq!(
        out,
        "old a.test hello /before\nold a.test swapped\nold a.test hello /after\n\
         new b.test hello /new\n"
    );
}

#[test]
fn serve_with_tls_answers_over_https() {
    let pki = Pki::new("serve");
    let mut server = Server::start_fixture(
        "tls/serve.js",
        &[&pki.path("a.test.pem"), &pki.path("a.test.key")],
    );
    let port = server.listening_port();
    let (body, _) = curl(&pki, &format!("https://127.0.0.1:{port}/x"), &[]);
    assert_eq!(body, b"served https: GET\n");
}

/// Sends 1 MiB of random bytes to a TLS echo server and checks they come back whole; a client
/// with garbage before it.
const PYTHON_ECHO: &str = r#"
import os, socket, ssl, sys, threading
port, ca = int(sys.argv[1]), sys.argv[2]
garbage = socket.create_connection(('127.0.0.1', port))
garbage.sendall(b'\x00' * 64)
data = os.urandom(1 << 20)
context = ssl.create_default_context(cafile=ca)
with context.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='a.test') as s:
    sender = threading.Thread(target=lambda: (s.sendall(data)))
    sender.start()
    echoed = b''
    while len(echoed) < len(data):
        chunk = s.recv(65536)
        if not chunk:
            break
        echoed += chunk
    sender.join()
    print(s.version() is not None, echoed == data)
"#;

#[test]
fn tls_acceptor_echoes_and_logs_a_failed_handshake() {
    let pki = Pki::new("echo");
    let mut server = Server::start_fixture(
        "tls/echo.js",
        &[&pki.path("a.test.pem"), &pki.path("a.test.key")],
    );
    let port = server.listening_port();
    let out = python(PYTHON_ECHO, &[&port.to_string(), &pki.path("ca.pem")]);
    assert_eq!(out, "True True\n");
    server.wait_until("the garbage client logged", |_, err| {
        err.contains("nexus: TLS with 127.0.0.1:")
    });
}

/// A TLS echo server on an ephemeral port for one client at a time: prints the port, then serves
/// until killed (a failed handshake only ends that client).
const PYTHON_SERVER: &str = r#"
import socket, ssl, sys
cert, key = sys.argv[1], sys.argv[2]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
listener = socket.create_server(('127.0.0.1', 0))
print(listener.getsockname()[1], flush=True)
while True:
    client, _ = listener.accept()
    try:
        with context.wrap_socket(client, server_side=True) as s:
            s.sendall(s.recv(4096))
    except (ssl.SSLError, OSError):
        pass
"#;

#[test]
fn tls_connect_trusts_its_ca_and_says_why_a_wrong_one_fails() {
    let pki = Pki::new("connect");
    let mut python = tool("python3")
        .arg("-c")
        .arg(PYTHON_SERVER)
        .args([pki.path("a.test.pem"), pki.path("a.test.key")])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(python.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port = line.trim().to_string();
    let run = nexus_fixture(
        "tls/connect.js",
        &[&port, &pki.path("ca.pem"), &pki.path("stranger.pem")],
    );
    let _ = python.kill();
    let _ = python.wait();
    run.assert_clean(
        "echo: ping over tls\nwrong CA: UNABLE_TO_GET_ISSUER_CERT_LOCALLY: TLS with a.test: \
         invalid peer certificate: UnknownIssuer\n",
    );
}

#[test]
fn bad_pem_throws_naming_the_option_and_the_file() {
    let pki = Pki::new("pem");
    let run = nexus_fixture(
        "tls/bad_pem.js",
        &[
            &pki.path("a.test.pem"),
            &pki.path("a.test.key"),
            &pki.path("b.test.key"),
        ],
    );
    run.assert_clean(
        "tls.cert (/nonexistent/cert.pem): cannot read the file: No such file or directory \
         (os error 2) (give a path, or PEM text starting with -----BEGIN)\n\
         tls.cert (KEY) holds no PEM certificate\n\
         tls.key (CERT) holds no PEM private key\n\
         tls.cert (PEM text): bad PEM: base64 decode error: InvalidTrailingPadding\n\
         tls.cert and tls.key: the private key does not match the certificate\n\
         tls: tls must be { cert, key } or an array of { serverName, cert, key } (PEM text or \
         file paths)\n\
         setCertificates: this server was made without tls\n",
    );
}
