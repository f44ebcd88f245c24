//! Response fields of Nexus.Net.HTTP as real clients read them: `append` sends a field once
//! more (two Set-Cookie), `set` replaces every field of its name (fixtures/net/http_fields.js).

mod common;

use common::{Server, run_command, tool};

#[test]
fn append_sends_a_field_twice_and_set_replaces() {
    let mut server = Server::start_fixture("net/http_fields.js", &[]);
    let port = server.listening_port();

    // curl shows the head's lines as they came.
    let curl = run_command(tool("curl").args([
        "-sS",
        "-i",
        "--noproxy",
        "*",
        "--max-time",
        "10",
        &format!("http://127.0.0.1:{port}/"),
    ]));
    assert_eq!(curl.code, 0, "{}", curl.stderr);
    let lines: Vec<&str> = curl
        .stdout
        .split("\r\n")
        .filter(|line| !line.starts_with("Date: "))
        .collect();
    assert_eq!(
        lines,
        [
            "HTTP/1.1 200 OK",
            "Set-Cookie: a=1; Path=/",
            "set-cookie: b=2; HttpOnly",
            "x-replaced: last",
            "Content-Length: 17",
            "",
            "get: a=1; Path=/\n",
        ],
        "{}",
        curl.stdout
    );

    // Python's http.client keeps both, and the connection serves the next requests.
    let python = run_command(
        tool("python3")
            .arg(common::fixture("net/fields_client.py"))
            .arg(port.to_string())
            .args(["/", "/invalid", "/late"]),
    );
    assert_eq!(python.code, 0, "{}", python.stderr);
    assert_eq!(
        python.stdout,
        "200 OK\n\
         Set-Cookie: a=1; Path=/\n\
         set-cookie: b=2; HttpOnly\n\
         x-replaced: last\n\
         Content-Length: 17\n\
         get: a=1; Path=/\n\
         200 OK\n\
         Content-Length: 140\n\
         TypeError: response.append: 'Bad Name' is not a valid header name\n\
         TypeError: response.append: the value of 'X' contains a line break or NUL\n\
         200 OK\n\
         Transfer-Encoding: chunked\n\
         streamed\n\
         Error: response.append('X-Late'): the head was already sent\n"
    );
    assert_eq!(server.stderr(), "");
}
