//! File devices: a file (or fd 0/1/2) opened for reading or writing, used from one task at a
//! time (the resource table hands out a Mutex).

use super::IoError;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub enum Target {
    Path(PathBuf),
    Stdin,
    Stdout,
    Stderr,
}

pub struct FileDevice {
    target: Target,
    file: Option<File>,
    /// For a regular file opened to read: where the next read starts, kept here rather than
    /// asked of the OS (every read and seek of the file goes through this device).
    position: Option<u64>,
    /// The file's size as seen at open, for the first read to use instead of a stat of its
    /// own; taken by that read, after which each read asks again.
    size: Option<u64>,
}

impl FileDevice {
    pub fn open_read(path: &Path) -> Result<FileDevice, IoError> {
        let file = File::open(path).map_err(|e| IoError::new(&e, "open", path))?;
        let metadata = file.metadata().ok();
        // Opening a directory succeeds on Linux; reading it would fail later with a vaguer error.
        if metadata.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(IoError::new(
                &std::io::Error::from_raw_os_error(21),
                "open",
                path,
            ));
        }
        let size = metadata.filter(|m| m.is_file()).map(|m| m.len());
        Ok(FileDevice {
            target: Target::Path(path.into()),
            file: Some(file),
            position: size.map(|_| 0),
            size,
        })
    }

    /// A sink: `path` created or truncated, or a standard stream.
    pub fn open_write(target: Target) -> Result<FileDevice, IoError> {
        let file = match &target {
            Target::Path(path) => Some(
                OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(path)
                    .map_err(|e| IoError::new(&e, "open", path))?,
            ),
            _ => None,
        };
        Ok(FileDevice {
            target,
            file,
            position: None,
            size: None,
        })
    }

    fn name(&self) -> PathBuf {
        match &self.target {
            Target::Path(p) => p.clone(),
            Target::Stdin => "<stdin>".into(),
            Target::Stdout => "<stdout>".into(),
            Target::Stderr => "<stderr>".into(),
        }
    }

    /// Up to `max` bytes (empty at the end), and whether they reached the end of a regular file
    /// (so a next read would give nothing, unless the file grows meanwhile).
    pub fn read(&mut self, max: usize) -> Result<(Vec<u8>, bool), IoError> {
        let left = self.left();
        // A read of a small file needs no chunk-sized buffer (zeroing 1 MiB to read 8 KiB costs
        // more than the read): up to what is left, at least a page to see the end (or growth).
        let size = left.map_or(max, |left| max.min((left as usize).max(4096)));
        let mut buffer = vec![0; size];
        let n = match (&mut self.file, &self.target) {
            (Some(file), _) => file.read(&mut buffer),
            (None, Target::Stdin) => std::io::stdin().lock().read(&mut buffer),
            _ => {
                return Err(IoError::invalid(format!(
                    "{} is not readable",
                    self.name().display()
                )));
            }
        }
        .map_err(|e| IoError::new(&e, "read", &self.name()))?;
        if let Some(position) = &mut self.position {
            *position += n as u64;
        }
        buffer.truncate(n);
        Ok((buffer, left.is_some_and(|left| n as u64 >= left)))
    }

    /// Bytes between the position and the end of a regular file opened to read.
    fn left(&mut self) -> Option<u64> {
        let position = self.position?;
        let size = match self.size.take() {
            Some(size) => size,
            None => self.file.as_ref()?.metadata().ok()?.len(),
        };
        Some(size.saturating_sub(position))
    }

    /// Writes all of `bytes` or fails: a partial write never reports success.
    pub fn write(&mut self, bytes: &[u8]) -> Result<usize, IoError> {
        let name = self.name();
        let result = match (&mut self.file, &self.target) {
            (Some(file), _) => file.write_all(bytes),
            (None, Target::Stdout) => super::stdout::write(bytes),
            (None, Target::Stderr) => {
                super::stdout::flush().and_then(|()| std::io::stderr().lock().write_all(bytes))
            }
            _ => {
                return Err(IoError::invalid(format!(
                    "{} is not writable",
                    name.display()
                )));
            }
        };
        result.map_err(|e| IoError::new(&e, "write", &name))?;
        Ok(bytes.len())
    }

    pub fn seek(&mut self, offset: i64, whence: &str) -> Result<u64, IoError> {
        let name = self.name();
        let Some(file) = &mut self.file else {
            return Err(IoError::invalid(format!("{} cannot seek", name.display())));
        };
        let from = match whence {
            "begin" => SeekFrom::Start(
                u64::try_from(offset)
                    .map_err(|_| IoError::invalid("seek: negative offset from 'begin'"))?,
            ),
            "current" => SeekFrom::Current(offset),
            "end" => SeekFrom::End(offset),
            other => {
                return Err(IoError::invalid(format!(
                    "seek: whence must be 'begin', 'current' or 'end', not '{other}'"
                )));
            }
        };
        let position = file
            .seek(from)
            .map_err(|e| IoError::new(&e, "seek", &name))?;
        if self.position.is_some() {
            self.position = Some(position);
        }
        Ok(position)
    }

    /// Releases the descriptor (standard streams stay open). Every write already reached the OS:
    /// there is no user-space buffer to flush.
    pub fn close(&mut self) {
        self.file = None;
    }
}
