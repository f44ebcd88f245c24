//! Messages to the person running nexus, on stderr. Unlike `eprintln!`, a closed stderr
//! (`nexus app.js 2>&-`, or piped into `head`) drops the message instead of panicking: the exit
//! code still tells.

macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = $crate::io::stdout::flush();
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

pub(crate) use say;
