//! Modules beyond plain files: npm packages from node_modules, URL imports with the cache and
//! nexus.lock, JSON modules, import.meta.resolve, dynamic import, and the error of each. Every
//! test runs the built binary; remote modules come from a Python server on 127.0.0.1.

mod common;

use common::{Run, fixture, nexus_fixture, nexus_in, run_command, run_in, run_with_env, tool};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::OnceLock;

// The cache folder's rule, as the engine's build script compiles it too (the runtime reaches it
// as javascriptcore_sys::cache_dir).
#[path = "../vendor/javascriptcore-sys/src/cache_dir.rs"]
mod cache_dir;

/// A fresh directory for one test under cargo's per-target scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("modules-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn ok(run: &Run) {
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
}

fn failed_with(run: &Run, text: &str) {
    assert_eq!(
        run.code, 1,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stderr.contains(text),
        "expected {text:?} in:\n{}",
        run.stderr
    );
}

#[test]
fn json_modules_static_dynamic_and_from_a_timer() {
    let run = nexus_fixture("modules_json/main.js", &[]);
    ok(&run);
    assert_eq!(
        run.stdout,
        "static nexus a,b 3\ndynamic same object true\nresolve true\nfrom a timer a+b\n"
    );
}

#[test]
fn local_packages_follow_exports_module_and_main() {
    let run = nexus_fixture("packages/main.js", &[]);
    ok(&run);
    assert_eq!(
        run.stdout,
        "hello from esm-exports feature [x] legacy es tool sub\ntrue\ndynamic feature\n"
    );
}

#[test]
fn import_meta_resolve_resolves_without_loading() {
    let run = nexus_fixture("packages/resolve.js", &[]);
    ok(&run);
    assert_eq!(
        run.stdout,
        "true\nhttps://example.com/a/b.js\n./nope.js ERR_MODULE_NOT_FOUND\n\
         cjs-only ERR_UNSUPPORTED_MODULE_FORMAT\n\
         esm-exports/private/x.js ERR_PACKAGE_PATH_NOT_EXPORTED\n\
         ftp://example.com/x.js ERR_UNSUPPORTED_MODULE_SPECIFIER\n"
    );
}

/// preact, lodash-es and date-fns from the npm registry, installed once per test binary.
fn npm_packages() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("modules-npm");
        if !dir.join("node_modules/date-fns/package.json").is_file() {
            let status = tool("npm")
                .args(["install", "--no-audit", "--no-fund", "--no-package-lock"])
                .args(["--prefix", dir.to_str().unwrap()])
                .args(["preact@10", "lodash-es@4", "date-fns@4"])
                .stdout(Stdio::null())
                .status()
                .expect("npm runs");
            assert!(status.success(), "npm install failed");
        }
        dir
    })
}

#[test]
fn npm_packages_by_bare_name() {
    let dir = npm_packages();
    write(
        &dir.join("app.js"),
        r#"import { h } from 'preact';
import { useState } from 'preact/hooks';
import { chunk, sortBy } from 'lodash-es';
import debounce from 'lodash-es/debounce.js';
import { format, addDays } from 'date-fns';
console.log(typeof h, typeof useState, typeof debounce);
console.log(JSON.stringify(chunk([1, 2, 3, 4, 5], 2)), sortBy(['b', 'c', 'a']).join(''));
console.log(format(addDays(new Date(2024, 0, 30), 3), 'yyyy-MM-dd'));
const vnode = h('p', { id: 'x' }, 'hi');
console.log(vnode.type, vnode.props.id, vnode.props.children);
setTimeout(async () => {
  const { isValid } = await import('date-fns');
  console.log('timer import', isValid(new Date(NaN)));
}, 1);
"#,
    );
    let run = run_in(dir, &["app.js"]);
    ok(&run);
    assert_eq!(
        run.stdout,
        "function function function\n[[1,2],[3,4],[5]] abc\n2024-02-02\np x hi\ntimer import false\n"
    );
}

#[test]
fn package_errors_name_the_package() {
    let run = nexus_fixture("packages/cjs.js", &[]);
    failed_with(
        &run,
        &format!(
            "Cannot load 'cjs-only' imported from {}: package 'cjs-only' is CommonJS",
            fixture("packages/cjs.js").display()
        ),
    );
    failed_with(&run, "Nexus loads ES modules only");
    let run = nexus_fixture("packages/not_exported.js", &[]);
    failed_with(
        &run,
        "Cannot load 'esm-exports/private/secret.js' imported from",
    );
    failed_with(&run, "does not export './private/secret.js'");
    let run = nexus_fixture("modules_errors/bare_missing.js", &[]);
    failed_with(&run, "Cannot load 'not-installed-anywhere' imported from");
    failed_with(&run, "is not installed in any node_modules");
}

#[test]
fn module_errors_name_importer_and_specifier() {
    let file = |name: &str| fixture(&format!("modules_errors/{name}"));
    let run = nexus_fixture("modules_errors/not_found.js", &[]);
    failed_with(
        &run,
        &format!(
            "Error: Cannot find module './missing.js' imported from {}",
            file("not_found.js").display()
        ),
    );
    let run = nexus_fixture("modules_errors/missing_export.js", &[]);
    failed_with(
        &run,
        &format!(
            "SyntaxError: 'nope' is not exported by './lib.js' (imported from {})",
            file("missing_export.js").display()
        ),
    );
    let run = nexus_fixture("modules_errors/missing_default.js", &[]);
    failed_with(
        &run,
        &format!(
            "SyntaxError: 'default' is not exported by './lib.js' (imported from {})",
            file("missing_default.js").display()
        ),
    );
    let run = nexus_fixture("modules_errors/bad_json.js", &[]);
    failed_with(
        &run,
        &format!(
            "Cannot load './bad.json' imported from {}: {} is not valid JSON: trailing comma at line 1 column 11",
            file("bad_json.js").display(),
            file("bad.json").display()
        ),
    );
    let run = nexus_fixture("modules_errors/imports_broken.js", &[]);
    failed_with(
        &run,
        &format!(
            "SyntaxError: Unexpected token ';' (imported as './broken.js' from {})",
            file("imports_broken.js").display()
        ),
    );
    failed_with(
        &run,
        &format!("    at {}:2:13", file("broken.js").display()),
    );
    let run = nexus_fixture("modules_errors/cycle_a.js", &[]);
    failed_with(
        &run,
        "ReferenceError: Cannot access 'a' before initialization.",
    );
    failed_with(
        &run,
        &format!("    at {}:2:14", file("cycle_b.js").display()),
    );
    let run = nexus_fixture("modules_errors/json_without_attribute.js", &[]);
    failed_with(&run, "Cannot load './data.json' imported from");
    failed_with(&run, "needs the import attribute `with { type: 'json' }`");
}

/// Python's file server on 127.0.0.1 (optionally TLS), with `/redirect/<path>` → `/<path>`,
/// `/latest` → `/lib/mod.js` and a `/loop` that redirects to itself. Killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

const SERVER: &str = r#"
import http.server, ssl, sys
root, port = sys.argv[1], int(sys.argv[2])
class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
    def log_message(self, *a):
        pass
    def do_GET(self):
        target = {"/loop": "/loop", "/latest": "/lib/mod.js"}.get(self.path) or (
            self.path[len("/redirect"):] if self.path.startswith("/redirect/") else None)
        if target is None:
            return super().do_GET()
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
if len(sys.argv) > 3:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

impl Server {
    fn start(root: &Path, port: u16, tls: Option<(&Path, &Path)>) -> Server {
        let mut command = tool("python3");
        command
            .args(["-c", SERVER, root.to_str().unwrap(), &port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some((cert, key)) = tls {
            command.arg(cert).arg(key);
        }
        let mut child = command.spawn().expect("python3 starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the server prints its port");
        Server { child, port }
    }

    fn url(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A site with a module that imports a sibling relatively and shows its import.meta.
fn site(dir: &Path, version: &str) -> PathBuf {
    let root = dir.join("site");
    write(
        &root.join("lib/mod.js"),
        "import { version } from './dep.js';\n\
         export const meta = [import.meta.url, import.meta.filename, import.meta.dirname, import.meta.resolve('./dep.js')];\n\
         export { version };\n",
    );
    write(
        &root.join("lib/dep.js"),
        &format!("export const version = '{version}';\n"),
    );
    write(
        &root.join("lib/bad.js"),
        "export const x = 1;\nlet = = 2;\n",
    );
    write(&root.join("lib/data.json"), "{ \"remote\": true }\n");
    root
}

fn project(dir: &Path, main: &str) -> PathBuf {
    let project = dir.join("project");
    write(&project.join("main.js"), main);
    project
}

/// The variables the cache folder's rule reads, in this order.
const CACHE_VARIABLES: [&str; 3] = ["NEXUS_CACHE_DIR", "XDG_CACHE_HOME", "HOME"];

/// The shared rule's answer when only `values` of [`CACHE_VARIABLES`] are set.
fn rule_cache_dir(values: &[Option<String>; 3]) -> Option<PathBuf> {
    cache_dir::cache_dir(|name| {
        let at = CACHE_VARIABLES.iter().position(|n| *n == name)?;
        values[at].clone().map(Into::into)
    })
}

/// scripts/lib.sh's `cache_dir` with only `values` of [`CACHE_VARIABLES`] set; None if it fails.
fn shell_cache_dir(values: &[Option<String>; 3]) -> Option<PathBuf> {
    let mut bash = tool("bash");
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/lib.sh");
    bash.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["-c", "source \"$1\" && cache_dir", "bash"])
        .arg(lib);
    for (name, value) in CACHE_VARIABLES.iter().zip(values) {
        if let Some(value) = value {
            bash.env(name, value);
        }
    }
    let run = run_command(&mut bash);
    (run.code == 0).then(|| PathBuf::from(run.stdout.trim_end_matches('\n')))
}

/// One rule places the cache: the engine's build script (through the shared cache_dir.rs), the
/// runtime (where a URL import lands) and scripts/lib.sh give the same folder for NEXUS_CACHE_DIR
/// unset, empty, relative and absolute, and for XDG_CACHE_HOME and HOME behind it. A variable
/// counts only as an absolute path.
#[test]
fn the_engine_build_the_runtime_and_the_scripts_place_the_cache_alike() {
    let dir = scratch("cache-rule");
    let server = Server::start(&site(&dir, "one"), 0, None);
    let main = format!(
        "import {{ version }} from '{}';\nconsole.log(version);\n",
        server.url("http", "lib/dep.js")
    );
    // Each case: its own folders, the values of CACHE_VARIABLES ("/" at the start stands for the
    // case's folder), and where the cache must be (under the case's folder).
    let cases: &[([Option<&str>; 3], &str)] = &[
        ([None, None, Some("/home")], "home/.cache/nexus"),
        ([Some(""), None, Some("/home")], "home/.cache/nexus"),
        ([Some("relative"), None, Some("/home")], "home/.cache/nexus"),
        ([Some("/nexus"), None, Some("/home")], "nexus"),
        ([Some("/nexus"), Some("/xdg"), Some("/home")], "nexus"),
        ([None, Some("/xdg"), Some("/home")], "xdg/nexus"),
        ([Some(""), Some("/xdg"), Some("/home")], "xdg/nexus"),
        ([None, Some(""), Some("/home")], "home/.cache/nexus"),
        (
            [Some("relative"), Some("relative-xdg"), Some("/home")],
            "home/.cache/nexus",
        ),
    ];
    for (i, (values, expected)) in cases.iter().enumerate() {
        let case = dir.join(format!("case-{i}"));
        let values = values.map(|v| {
            v.map(|v| match v.strip_prefix('/') {
                Some(path) => case.join(path).display().to_string(),
                None => v.to_string(),
            })
        });
        let expected = case.join(expected);
        assert_eq!(
            rule_cache_dir(&values),
            Some(expected.clone()),
            "{values:?}"
        );
        assert_eq!(
            shell_cache_dir(&values),
            Some(expected.clone()),
            "{values:?}"
        );

        let project = case.join("project");
        write(&project.join("main.js"), &main);
        let mut nexus = nexus_in(&project);
        nexus.arg("main.js");
        for (name, value) in CACHE_VARIABLES.iter().zip(&values) {
            match value {
                Some(value) => nexus.env(name, value),
                None => nexus.env_remove(name),
            };
        }
        ok(&run_command(&mut nexus));
        assert!(
            expected.join("modules").is_dir(),
            "{values:?}: no cache in {}",
            expected.display()
        );
        let candidates = [
            "nexus",
            "xdg/nexus",
            "home/.cache/nexus",
            "project/relative",
            "project/relative-xdg",
        ];
        let elsewhere: Vec<PathBuf> = candidates
            .iter()
            .map(|folder| case.join(folder))
            .filter(|folder| *folder != expected && folder.exists())
            .collect();
        assert_eq!(elsewhere, Vec::<PathBuf>::new(), "{values:?}");
    }
    // No absolute path in any: the build script and the shell refuse (the runtime falls back to
    // the temporary folder).
    let none = [Some("relative".to_string()), Some(String::new()), None];
    assert_eq!(rule_cache_dir(&none), None);
    assert_eq!(shell_cache_dir(&none), None);
}

#[test]
fn url_imports_are_cached_locked_and_verified() {
    let dir = scratch("remote");
    let root = site(&dir, "one");
    let server = Server::start(&root, 0, None);
    let port = server.port;
    let base = server.url("http", "lib/");
    let main = format!(
        "import {{ version, meta }} from '{base}mod.js';\n\
         console.log(version);\nconsole.log(meta.join('\\n'));\n\
         const later = await new Promise((done) => setTimeout(() => done(import('{base}dep.js')), 1));\n\
         console.log('dynamic', (await later).version);\n"
    );
    let project = project(&dir, &main);
    let cache = dir.join("cache");
    let env = [("NEXUS_CACHE_DIR", cache.as_path())];
    let run = run_with_env(&project, &["main.js"], &env);
    ok(&run);
    let expected = format!(
        "one\n{base}mod.js\n{base}mod.js\n{}\n{base}dep.js\ndynamic one\n",
        base.trim_end_matches('/')
    );
    assert_eq!(run.stdout, expected);
    assert_eq!(run.stderr, "", "progress is shown on a terminal only");
    let lock = std::fs::read_to_string(project.join("nexus.lock")).unwrap();
    let entries: Vec<&str> = lock.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(entries.len(), 2, "{lock}");
    assert!(entries[0].starts_with(&format!("{base}dep.js ")), "{lock}");
    assert!(entries[1].starts_with(&format!("{base}mod.js ")), "{lock}");
    assert!(std::fs::read_dir(cache.join("modules")).unwrap().count() >= 2);

    drop(server);
    let run = run_with_env(&project, &["main.js"], &env);
    ok(&run);
    assert_eq!(run.stdout, expected, "offline from the cache");

    // The server now sends another body; a machine without the cache must refuse it.
    site(&dir, "two");
    let restarted = Server::start(&root, port, None);
    let fresh = dir.join("fresh-cache");
    let env = [("NEXUS_CACHE_DIR", fresh.as_path())];
    let run = run_with_env(&project, &["main.js"], &env);
    failed_with(
        &run,
        &format!("Cannot load './dep.js' imported from {base}mod.js"),
    );
    failed_with(&run, &format!("the body of {base}dep.js changed"));
    let old_hash = &entries[0][entries[0].len() - 64..];
    failed_with(
        &run,
        &format!("records sha256 {old_hash}, the server sent sha256 "),
    );

    let run = run_with_env(&project, &["--reload", "main.js"], &env);
    ok(&run);
    assert!(run.stdout.starts_with("two\n"), "{}", run.stdout);
    let relocked = std::fs::read_to_string(project.join("nexus.lock")).unwrap();
    assert!(!relocked.contains(old_hash), "{relocked}");
    let run = run_with_env(&project, &["--frozen", "main.js"], &env);
    ok(&run);

    write(
        &project.join("unlocked.js"),
        &format!(
            "import '{}';\n",
            restarted.url("http", "redirect/lib/dep.js")
        ),
    );
    let run = run_with_env(&project, &["--frozen", "unlocked.js"], &env);
    failed_with(&run, "is not in");
    failed_with(&run, "--frozen refuses new URLs");
}

#[test]
fn url_import_errors() {
    let dir = scratch("remote-errors");
    let root = site(&dir, "one");
    let server = Server::start(&root, 0, None);
    let cases = [
        ("lib/missing.js", "answered HTTP 404 Not Found"),
        ("loop", "more than 5 redirects"),
        ("lib/bad.js", "SyntaxError"),
    ];
    let cache = dir.join("cache");
    let env = [("NEXUS_CACHE_DIR", cache.as_path())];
    for (path, message) in cases {
        let url = server.url("http", path);
        let project = project(&dir, &format!("import '{url}';\n"));
        let run = run_with_env(&project, &["main.js"], &env);
        failed_with(&run, message);
        if path == "lib/bad.js" {
            failed_with(&run, &format!("    at {url}:2:5"));
        } else {
            failed_with(&run, &format!("Cannot load '{url}' imported from"));
        }
    }
    let redirected = server.url("http", "redirect/lib/dep.js");
    let project = project(
        &dir,
        &format!("import {{ version }} from '{redirected}';\nconsole.log(version);\n"),
    );
    let run = run_with_env(&project, &["main.js"], &env);
    ok(&run);
    assert_eq!(run.stdout, "one\n");
    // `/latest` redirects to `/lib/mod.js`, whose `./dep.js` is `/lib/dep.js`, also from the cache.
    write(
        &project.join("latest.js"),
        &format!(
            "import {{ version }} from '{}';\nconsole.log(version);\n",
            server.url("http", "latest")
        ),
    );
    for _ in 0..2 {
        let run = run_with_env(&project, &["latest.js"], &env);
        ok(&run);
        assert_eq!(run.stdout, "one\n");
    }
    write(
        &project.join("local.js"),
        &format!("import '{}';\n", server.url("http", "lib/steal.js")),
    );
    write(&root.join("lib/steal.js"), "import 'file:///etc/passwd';\n");
    let run = run_with_env(&project, &["local.js"], &env);
    failed_with(&run, "a remote module cannot import a local file");
}

#[test]
fn https_with_a_trusted_self_signed_certificate() {
    let dir = scratch("remote-tls");
    let root = site(&dir, "secure");
    let (cert, key) = common::self_signed_certificate(&dir);
    let server = Server::start(&root, 0, Some((&cert, &key)));
    let url = server.url("https", "lib/mod.js");
    let project = project(
        &dir,
        &format!(
            "import {{ version }} from '{url}';\n\
             const data = await import('{}', {{ with: {{ type: 'json' }} }});\n\
             console.log(version, data.default.remote);\n",
            server.url("https", "lib/data.json")
        ),
    );
    let cache = dir.join("cache");
    let run = run_with_env(&project, &["main.js"], &[("NEXUS_CACHE_DIR", &cache)]);
    failed_with(&run, &format!("downloading {url} failed"));
    let env = [
        ("NEXUS_CACHE_DIR", cache.as_path()),
        ("NEXUS_CA_CERTS", cert.as_path()),
    ];
    let run = run_with_env(&project, &["main.js"], &env);
    ok(&run);
    assert_eq!(run.stdout, "secure true\n");
}
