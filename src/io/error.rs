//! I/O failures as users read them: the errno name, the OS reason and the path
//! (`ENOENT: no such file or directory, open '/x/y'`), never a bare "os error 2".

use std::fmt;
use std::io;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoError {
    /// errno name (`ENOENT`), or `EIO` when the OS gave none.
    pub code: &'static str,
    pub message: String,
}

impl IoError {
    pub fn new(error: &io::Error, syscall: &str, path: &Path) -> IoError {
        IoError::at(error, syscall, &format!("'{}'", path.display()))
    }

    /// For a network endpoint: `ECONNREFUSED: connection refused, connect 127.0.0.1:9`.
    pub fn net(error: &io::Error, syscall: &str, endpoint: impl fmt::Display) -> IoError {
        IoError::at(error, syscall, &endpoint.to_string())
    }

    fn at(error: &io::Error, syscall: &str, target: &str) -> IoError {
        let code = error.raw_os_error().map_or("EIO", errno_name);
        let reason = error.to_string();
        // std appends " (os error N)"; the errno name already says it.
        let reason = reason
            .split(" (os error")
            .next()
            .unwrap_or(&reason)
            .to_lowercase();
        IoError {
            code,
            message: format!("{code}: {reason}, {syscall} {target}"),
        }
    }

    pub fn invalid(message: impl Into<String>) -> IoError {
        IoError {
            code: "EINVAL",
            message: message.into(),
        }
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn errno_name(errno: i32) -> &'static str {
    match errno {
        1 => "EPERM",
        2 => "ENOENT",
        4 => "EINTR",
        5 => "EIO",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        16 => "EBUSY",
        17 => "EEXIST",
        18 => "EXDEV",
        20 => "ENOTDIR",
        21 => "EISDIR",
        22 => "EINVAL",
        23 => "ENFILE",
        24 => "EMFILE",
        26 => "ETXTBSY",
        27 => "EFBIG",
        28 => "ENOSPC",
        29 => "ESPIPE",
        30 => "EROFS",
        31 => "EMLINK",
        32 => "EPIPE",
        36 => "ENAMETOOLONG",
        39 => "ENOTEMPTY",
        40 => "ELOOP",
        90 => "EMSGSIZE",
        97 => "EAFNOSUPPORT",
        98 => "EADDRINUSE",
        99 => "EADDRNOTAVAIL",
        101 => "ENETUNREACH",
        103 => "ECONNABORTED",
        104 => "ECONNRESET",
        107 => "ENOTCONN",
        110 => "ETIMEDOUT",
        111 => "ECONNREFUSED",
        113 => "EHOSTUNREACH",
        122 => "EDQUOT",
        _ => "EIO",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_errno_reason_and_path() {
        let error = io::Error::from_raw_os_error(2);
        let e = IoError::new(&error, "open", Path::new("/x/y"));
        assert_eq!(e.code, "ENOENT");
        assert_eq!(e.message, "ENOENT: no such file or directory, open '/x/y'");
    }
}
