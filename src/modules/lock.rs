//! `nexus.lock`: the sha256 of every remote module a program has loaded, kept beside its entry.
//!
//! The format is one `URL SHA256` line per module, sorted by URL, after a comment header: easy to
//! read in a diff and to merge. URLs never contain spaces (they are percent-encoded).

use std::collections::BTreeMap;
use std::path::Path;

const HEADER: &str = "# nexus.lock: sha256 of each remote module this program imports.\n\
     # Written by nexus; commit it. `nexus --reload` refreshes it, `nexus --frozen` refuses URLs not in it.\n";

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Lock {
    entries: BTreeMap<String, String>,
}

impl Lock {
    /// Reads `path`; a missing file is an empty lock.
    pub fn read(path: &Path) -> Result<Lock, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Lock::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    pub fn parse(text: &str) -> Result<Lock, String> {
        let mut entries = BTreeMap::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |why: &str| format!("line {}: {why}: {line}", number + 1);
            let (url, hash) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| bad("expected `URL SHA256`"))?;
            let hash = hash.trim();
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad("not a sha256 (64 hex digits)"));
            }
            entries.insert(url.to_string(), hash.to_ascii_lowercase());
        }
        Ok(Lock { entries })
    }

    pub fn get(&self, url: &str) -> Option<&str> {
        self.entries.get(url).map(String::as_str)
    }

    pub fn insert(&mut self, url: &str, hash: &str) {
        self.entries.insert(url.to_string(), hash.to_string());
    }

    pub fn render(&self) -> String {
        let mut text = HEADER.to_string();
        for (url, hash) in &self.entries {
            text.push_str(&format!("{url} {hash}\n"));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aa00000000000000000000000000000000000000000000000000000000000000";
    const B: &str = "bb00000000000000000000000000000000000000000000000000000000000000";

    #[test]
    fn renders_sorted_and_parses_back() {
        let mut lock = Lock::default();
        lock.insert("https://z.example/a.js", A);
        lock.insert("http://127.0.0.1:8000/b.js", B);
        let text = lock.render();
        assert!(text.ends_with(&format!(
            "http://127.0.0.1:8000/b.js {B}\nhttps://z.example/a.js {A}\n"
        )));
        assert_eq!(Lock::parse(&text).unwrap(), lock);
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(
            Lock::parse("# c\n\nhttps://x/a.js nothex\n").unwrap_err(),
            "line 3: not a sha256 (64 hex digits): https://x/a.js nothex"
        );
        assert!(
            Lock::parse("https://x/a.js")
                .unwrap_err()
                .contains("expected")
        );
        assert_eq!(
            Lock::parse(&format!("https://x/a.js  {}\n", A.to_uppercase()))
                .unwrap()
                .get("https://x/a.js"),
            Some(A)
        );
    }
}
