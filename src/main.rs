//! `nexus`: the command line. Everything else lives in the modules below.

#![forbid(unsafe_code)]

mod api;
mod io;
mod modules;
mod net;
mod process;
mod realm;
mod runtime;
mod say;
mod scheduler;
mod tls;

use clap::{Arg, CommandFactory, FromArgMatches, Parser, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: javascriptcore_sys::EngineAllocator = javascriptcore_sys::EngineAllocator;

/// A multi-threaded JavaScript runtime on JavaScriptCore: runs an ES module.
#[derive(Parser, Debug)]
#[command(
    name = "nexus",
    version = concat!(
        env!("CARGO_PKG_VERSION"),
        " (JavaScriptCore of WebKitGTK ",
        env!("NEXUS_WEBKIT_VERSION"),
        ")"
    ),
    about,
    trailing_var_arg = true
)]
pub struct Cli {
    /// Most threads the scheduler runs at once (default: the number of cores); each realm
    /// running JS beyond the first allows one more, for native work.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: Option<u16>,

    /// Realms that each run the entry module: JS on up to N cores at once (default 1). Servers
    /// binding the same address in several realms share one listening socket.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    realms: u32,

    /// Print scheduler statistics to stderr at exit (also: NEXUS_STATS=1).
    #[arg(long)]
    stats: bool,

    /// Define `gc()`, which runs a full garbage collection before it returns (as Node's
    /// --expose-gc does): for measuring memory, not for production.
    #[arg(long)]
    expose_gc: bool,

    /// Download every remote (URL) module again and record the new hashes in nexus.lock.
    #[arg(long, conflicts_with = "frozen")]
    reload: bool,

    /// Refuse remote modules that nexus.lock does not list (for CI).
    #[arg(long)]
    frozen: bool,

    /// The ES module to run (any extension).
    entry: PathBuf,

    /// Arguments for the program, as `Nexus.argv`.
    #[arg(allow_hyphen_values = true)]
    args: Vec<String>,
}

/// What the hidden `--generate` prints for packaging/deb, made from `Cli` so that the man page and
/// completions cannot drift from the options. Not part of `Cli`: they would list it.
#[derive(ValueEnum, Clone, Copy, Debug)]
enum Generated {
    Man,
    Bash,
    Zsh,
    Fish,
}

fn main() -> ExitCode {
    let generate_arg = Arg::new("generate")
        .long("generate")
        .value_name("WHAT")
        .value_parser(clap::value_parser!(Generated))
        .exclusive(true)
        .hide(true);
    let matches = Cli::command().arg(generate_arg).get_matches();
    if let Some(&what) = matches.get_one::<Generated>("generate") {
        return generate(what);
    }
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let concurrency = cli
        .concurrency
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let stats = cli.stats || std::env::var_os("NEXUS_STATS").is_some_and(|v| v == "1");
    let entry = std::path::absolute(&cli.entry).unwrap_or_else(|_| cli.entry.clone());
    modules::configure(modules::Settings {
        reload: cli.reload,
        frozen: cli.frozen,
        ..modules::Settings::for_entry(&entry)
    });
    runtime::run(runtime::Options {
        entry: cli.entry,
        args: cli.args,
        concurrency,
        realms: cli.realms,
        stats,
        expose_gc: cli.expose_gc,
    })
}

fn generate(what: Generated) -> ExitCode {
    use clap_complete::Shell;
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    let shell = match what {
        Generated::Man => {
            return match clap_mangen::Man::new(command).render(&mut out) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    say::say!("error: cannot write the man page: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Generated::Bash => Shell::Bash,
        Generated::Zsh => Shell::Zsh,
        Generated::Fish => Shell::Fish,
    };
    clap_complete::generate(shell, &mut command, "nexus", &mut out);
    ExitCode::SUCCESS
}
