//! The environment, as the program reads and changes it (`Nexus.env`): a copy of the process's
//! environment taken at start-up, owned here and shared by every realm.
//!
//! Invariant: the process's own environment (libc's `environ`) is never written after start-up.
//! `setenv` is not thread-safe, and workers and the engine may read `environ` at any time; the
//! program's changes live here instead, and a child process gets this view as its environment.
//! Names and values are strings (a variable that is not UTF-8 is read with U+FFFD in place of
//! its bad bytes); names keep the order the process got them in, new ones go last.

use std::sync::{OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

static VARIABLES: OnceLock<RwLock<Vec<(String, String)>>> = OnceLock::new();

fn variables() -> &'static RwLock<Vec<(String, String)>> {
    VARIABLES.get_or_init(|| {
        let inherited = std::env::vars_os().map(|(name, value)| {
            (
                name.to_string_lossy().into_owned(),
                value.to_string_lossy().into_owned(),
            )
        });
        RwLock::new(inherited.collect())
    })
}

fn read() -> RwLockReadGuard<'static, Vec<(String, String)>> {
    variables().read().unwrap_or_else(|e| e.into_inner())
}

fn write() -> RwLockWriteGuard<'static, Vec<(String, String)>> {
    variables().write().unwrap_or_else(|e| e.into_inner())
}

pub fn get(name: &str) -> Option<String> {
    read()
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value.clone())
}

/// Sets `name` (a new name goes last); what the OS cannot pass to a child is refused.
pub fn set(name: &str, value: &str) -> Result<(), String> {
    if name.is_empty() || name.contains(['=', '\0']) {
        return Err(format!(
            "environment variable name {name:?} is empty or contains '=' or NUL"
        ));
    }
    if value.contains('\0') {
        return Err(format!(
            "the value of environment variable {name} contains NUL"
        ));
    }
    let mut variables = write();
    match variables.iter_mut().find(|(n, _)| n == name) {
        Some((_, old)) => *old = value.to_string(),
        None => variables.push((name.to_string(), value.to_string())),
    }
    Ok(())
}

/// Removes `name`; true if it was there.
pub fn remove(name: &str) -> bool {
    let mut variables = write();
    let before = variables.len();
    variables.retain(|(n, _)| n != name);
    variables.len() != before
}

pub fn names() -> Vec<String> {
    read().iter().map(|(name, _)| name.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_read_enumerate_remove() {
        set("NEXUS_ENV_TEST", "one").unwrap();
        set("NEXUS_ENV_TEST", "two").unwrap();
        assert_eq!(get("NEXUS_ENV_TEST").as_deref(), Some("two"));
        assert_eq!(names().iter().filter(|n| *n == "NEXUS_ENV_TEST").count(), 1);
        assert_eq!(names().last().map(String::as_str), Some("NEXUS_ENV_TEST"));
        // The process's own environment is left alone.
        assert_eq!(std::env::var_os("NEXUS_ENV_TEST"), None);
        assert!(remove("NEXUS_ENV_TEST"));
        assert!(!remove("NEXUS_ENV_TEST"));
        assert_eq!(get("NEXUS_ENV_TEST"), None);
    }

    #[test]
    fn refuses_what_a_child_could_not_get() {
        assert!(set("A=B", "x").is_err());
        assert!(set("", "x").is_err());
        assert!(set("NEXUS_ENV_NUL", "a\0b").is_err());
        assert_eq!(get("A"), None);
    }
}
