//! Nexus.FileSystem's native half: stat, directories, whole-file reads and writes.

use super::IoError;
use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::time::UNIX_EPOCH;

/// `FileType` as JS sees it (the names are Nexus.FileSystem.FileType's keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Directory,
    Regular,
    Symlink,
    Block,
    Fifo,
    Socket,
    Character,
    NotFound,
    Unknown,
}

impl FileType {
    pub fn name(self) -> &'static str {
        match self {
            FileType::Directory => "Directory",
            FileType::Regular => "Regular",
            FileType::Symlink => "Symlink",
            FileType::Block => "Block",
            FileType::Fifo => "FIFO",
            FileType::Socket => "Socket",
            FileType::Character => "Character",
            FileType::NotFound => "NotFound",
            FileType::Unknown => "Unknown",
        }
    }
}

pub struct Stat {
    pub kind: FileType,
    /// The mode's permission bits, including set-uid, set-gid and sticky (0o7777).
    pub permissions: u32,
    pub size: u64,
    pub modified_ms: f64,
}

/// The entry itself (a symlink is reported as a Symlink); a missing path is `NotFound`, not an
/// error.
pub fn stat(path: &Path) -> Result<Stat, IoError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Ok(Stat {
                kind: FileType::NotFound,
                permissions: 0,
                size: 0,
                modified_ms: f64::NAN,
            });
        }
        Err(e) => return Err(IoError::new(&e, "stat", path)),
    };
    let t = meta.file_type();
    let kind = if t.is_dir() {
        FileType::Directory
    } else if t.is_file() {
        FileType::Regular
    } else if t.is_symlink() {
        FileType::Symlink
    } else if t.is_block_device() {
        FileType::Block
    } else if t.is_fifo() {
        FileType::Fifo
    } else if t.is_socket() {
        FileType::Socket
    } else if t.is_char_device() {
        FileType::Character
    } else {
        FileType::Unknown
    };
    let modified_ms = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    Ok(Stat {
        kind,
        permissions: meta.permissions().mode() & 0o7777,
        size: meta.len(),
        modified_ms,
    })
}

pub fn read_file(path: &Path) -> Result<Vec<u8>, IoError> {
    if fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(IoError::new(
            &std::io::Error::from_raw_os_error(21),
            "read",
            path,
        ));
    }
    fs::read(path).map_err(|e| IoError::new(&e, "open", path))
}

pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    fs::write(path, bytes).map_err(|e| IoError::new(&e, "write", path))
}

/// Entry names, sorted (the OS order is arbitrary; sorted output is stable for users and tests).
pub fn readdir(path: &Path) -> Result<Vec<String>, IoError> {
    let mut names = fs::read_dir(path)
        .map_err(|e| IoError::new(&e, "scandir", path))?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| IoError::new(&e, "scandir", path))?;
    names.sort();
    Ok(names)
}

pub fn mkdir(path: &Path, recursive: bool) -> Result<(), IoError> {
    let made = if recursive {
        fs::create_dir_all(path)
    } else {
        fs::create_dir(path)
    };
    made.map_err(|e| IoError::new(&e, "mkdir", path))
}

/// Removes a file, or a directory with everything in it.
pub fn remove(path: &Path) -> Result<(), IoError> {
    let meta = fs::symlink_metadata(path).map_err(|e| IoError::new(&e, "rm", path))?;
    let removed = if meta.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    removed.map_err(|e| IoError::new(&e, "rm", path))
}
