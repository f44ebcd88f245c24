//! The built engine: JavaScriptCore, WTF and bmalloc compiled once per machine into a cache.
//!
//! Layout of an engine root (`$NEXUS_CACHE_DIR/jsc/<key>/`, or `NEXUS_JSC_PREFIX`):
//!   src/         the pinned WebKit source tree with our patches (private headers the shim
//!                compiles against)
//!   build/       cmake's build folder without object files: lib/*.a, cmakeconfig.h, generated headers
//!   shim-flags   the compile flags JSC's own sources use, `@ENGINE@` standing for the root
//!   engine.info  what the key was computed from
//!
//! Invariants: a root is complete or absent, because the build happens in `<key>.partial` and is
//! renamed into place last; one build per key runs at a time, because it holds `<key>.lock`.
//! A root can move: every symlink in it that points inside it is relative (the build installs
//! private headers as absolute symlinks, which `relative_symlinks` rewrites before the rename).
//! An interrupted build resumes: ninja picks up in `<key>.partial` where it stopped.

use crate::patches::Patches;
use crate::pin::{Pin, fail, hex};
use sha2::{Digest, Sha256};
use std::env;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;

/// cmake options of the engine. Part of the cache key: change one and a new engine is built.
const CMAKE_DEFINES: &[(&str, &str)] = &[
    ("PORT", "JSCOnly"),
    ("CMAKE_BUILD_TYPE", "Release"),
    ("ENABLE_STATIC_JSC", "ON"),
    ("DEVELOPER_MODE", "OFF"),
    ("ENABLE_TOOLS", "OFF"),
    ("ENABLE_API_TESTS", "OFF"),
    ("USE_THIN_ARCHIVES", "OFF"),
    ("CMAKE_EXPORT_COMPILE_COMMANDS", "ON"),
];

/// Features the product relies on; configure must have turned each on (they are JSCOnly defaults).
const REQUIRED_FEATURES: &[&str] = &["ENABLE_JIT", "ENABLE_FTL_JIT", "ENABLE_WEBASSEMBLY"];

/// Bump when the recipe below changes in a way the defines do not show.
const RECIPE_VERSION: &str = "2";

pub struct Compilers {
    pub cc: String,
    pub cxx: String,
}

/// The clang versions the engine was verified with, newest first: 18 on Ubuntu 24.04 (whose
/// libstdc++ 13 headers clang 16 cannot parse), 16 on Debian 12 (which has no 18). scripts/setup
/// installs the first its apt has.
const CLANG_VERSIONS: &[&str] = &["18", "16"];

impl Compilers {
    /// `NEXUS_JSC_CC`/`NEXUS_JSC_CXX`, else the first of [`CLANG_VERSIONS`] on PATH.
    pub fn from_env() -> Compilers {
        let found = || {
            CLANG_VERSIONS
                .iter()
                .find(|v| runs(&format!("clang++-{v}")))
                .copied()
                .unwrap_or(CLANG_VERSIONS[CLANG_VERSIONS.len() - 1])
        };
        let (cc, cxx) = (env::var("NEXUS_JSC_CC"), env::var("NEXUS_JSC_CXX"));
        let version = if cc.is_err() || cxx.is_err() {
            found()
        } else {
            ""
        };
        Compilers {
            cc: cc.unwrap_or_else(|_| format!("clang-{version}")),
            cxx: cxx.unwrap_or_else(|_| format!("clang++-{version}")),
        }
    }

    fn identity(&self) -> String {
        [&self.cc, &self.cxx]
            .iter()
            .map(|c| match Command::new(c).arg("--version").output() {
                Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
                _ => fail(&format!(
                    "the engine compiler `{c}` was not found; run scripts/setup (installs clang-{}) \
                     or set NEXUS_JSC_CC/NEXUS_JSC_CXX",
                    CLANG_VERSIONS.join(" or clang-")
                )),
            })
            .collect()
    }
}

/// Whether `program --version` runs.
fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The cache folder, by the rule src/cache_dir.rs holds for the runtime and scripts/lib.sh too.
fn cache_dir() -> PathBuf {
    crate::cache_dir::cache_dir(|name| env::var_os(name)).unwrap_or_else(|| {
        fail(
            "none of NEXUS_CACHE_DIR, XDG_CACHE_HOME and HOME is an absolute path; \
             cannot place the engine cache",
        )
    })
}

/// The root of a complete engine, building it first when the cache has none for this key.
pub fn ensure(pin: &Pin, patches: &Patches, compilers: &Compilers) -> PathBuf {
    if let Some(prefix) = env::var_os("NEXUS_JSC_PREFIX") {
        let root = PathBuf::from(prefix);
        if !root.join("shim-flags").is_file() {
            fail(&format!(
                "NEXUS_JSC_PREFIX={} is not a built engine (no shim-flags)",
                root.display()
            ));
        }
        return root;
    }
    let cache = cache_dir();
    let info = key_inputs(pin, patches, compilers);
    let key = hex(&Sha256::digest(info.as_bytes())[..8]);
    let jsc = cache.join("jsc");
    let root = jsc.join(&key);
    if root.join("shim-flags").is_file() {
        return root;
    }
    fs::create_dir_all(&jsc)
        .unwrap_or_else(|e| fail(&format!("cannot create {}: {e}", jsc.display())));
    let lock = File::create(jsc.join(format!("{key}.lock"))).unwrap_or_else(|e| {
        fail(&format!(
            "cannot create the engine lock in {}: {e}",
            jsc.display()
        ))
    });
    eprintln!(
        "nexus: waiting for the engine lock {key}.lock in {}",
        jsc.display()
    );
    lock.lock()
        .unwrap_or_else(|e| fail(&format!("cannot lock the engine cache: {e}")));
    if root.join("shim-flags").is_file() {
        return root; // another build finished while we waited
    }
    let tarball = pin.verified_tarball(&cache);
    let partial = jsc.join(format!("{key}.partial"));
    build(pin, patches, compilers, &tarball, &partial);
    fs::write(partial.join("engine.info"), &info).expect("write engine.info");
    relative_symlinks(&partial, &partial);
    fs::rename(&partial, &root).unwrap_or_else(|e| {
        fail(&format!(
            "cannot move the engine into {}: {e}",
            root.display()
        ))
    });
    root
}

fn key_inputs(pin: &Pin, patches: &Patches, compilers: &Compilers) -> String {
    let mut info = format!(
        "webkit {} sha256 {}\nrecipe {RECIPE_VERSION}\ntarget {}\n",
        pin.get("version"),
        pin.get("sha256"),
        env::var("TARGET").unwrap_or_default()
    );
    info += &patches.key_lines();
    for (k, v) in CMAKE_DEFINES {
        info += &format!("-D{k}={v}\n");
    }
    info += &compilers.identity();
    info += &tool_version("cmake");
    info += &icu_version();
    info
}

fn tool_version(tool: &str) -> String {
    match Command::new(tool).arg("--version").output() {
        Ok(o) => {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
                + "\n"
        }
        Err(_) => fail(&format!("`{tool}` is not installed; run scripts/setup")),
    }
}

/// ICU's headers shape JSC's objects, so its version is part of the key.
fn icu_version() -> String {
    let include = env::var("NEXUS_ICU_INCLUDE").unwrap_or_else(|_| "/usr/include".into());
    let header = Path::new(&include).join("unicode/uvernum.h");
    let text = fs::read_to_string(&header).unwrap_or_else(|e| {
        fail(&format!(
            "ICU headers not found ({}: {e}); run scripts/setup (libicu-dev)",
            header.display()
        ))
    });
    text.lines()
        .find(|l| l.starts_with("#define U_ICU_VERSION "))
        .map(|l| format!("icu {}\n", l))
        .unwrap_or_else(|| fail(&format!("{} has no U_ICU_VERSION", header.display())))
}

fn build(pin: &Pin, patches: &Patches, compilers: &Compilers, tarball: &Path, partial: &Path) {
    let src = partial.join("src");
    // Marks a source tree that is extracted and patched; without it the tree is made again.
    let extracted = partial.join("src.extracted");
    if !extracted.exists() {
        let _ = fs::remove_dir_all(&src);
        fs::create_dir_all(&src).expect("create engine src dir");
        eprintln!("nexus: extracting {}", tarball.display());
        let status = Command::new("tar")
            .arg("-xJf")
            .arg(tarball)
            .arg("-C")
            .arg(&src)
            .arg("--strip-components=1")
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            fail(&format!(
                "extracting {} failed (needs tar and xz)",
                tarball.display()
            ));
        }
        patches.apply(&src);
        File::create(&extracted).expect("mark src extracted");
    }
    let build = partial.join("build");
    eprintln!(
        "nexus: building JavaScriptCore {} in {} (about 50 minutes on 2 cores the first time; \
         progress lines are [done/total]; log: cargo's build-script output, shown live with -vv)",
        pin.get("version"),
        build.display()
    );
    // Paths inside the engine are mapped away so that objects do not depend on where the cache is.
    let prefix_map = format!(
        "-ffile-prefix-map={}=webkit -ffile-prefix-map={}=webkit-build",
        src.display(),
        build.display()
    );
    let mut config = cmake::Config::new(&src);
    config
        .out_dir(partial)
        .generator("Ninja")
        .no_default_flags(true)
        .build_target("JavaScriptCore")
        .env("SOURCE_DATE_EPOCH", pin.get("source_date_epoch"))
        .env("NINJA_STATUS", "[%f/%t] ")
        .define("CMAKE_C_COMPILER", &compilers.cc)
        .define("CMAKE_CXX_COMPILER", &compilers.cxx)
        .define("CMAKE_C_FLAGS", &prefix_map)
        .define("CMAKE_CXX_FLAGS", &prefix_map)
        .define("CMAKE_ASM_FLAGS", "")
        .define("CMAKE_INSTALL_PREFIX", partial.join("unused-install"));
    for (k, v) in CMAKE_DEFINES {
        config.define(k, v);
    }
    config.build();
    check_features(&build);
    write_shim_flags(partial, &build);
    prune_objects(&build);
}

fn check_features(build: &Path) {
    let config =
        fs::read_to_string(build.join("cmakeconfig.h")).expect("cmakeconfig.h after configure");
    for feature in REQUIRED_FEATURES {
        if !config.contains(&format!("#define {feature} 1")) {
            fail(&format!(
                "the engine was configured without {feature}; see {}",
                build.join("cmakeconfig.h").display()
            ));
        }
    }
}

/// Keeps the flags JSC's own unified sources were compiled with, so the shim sees the same ABI.
fn write_shim_flags(partial: &Path, build: &Path) {
    let db =
        fs::read_to_string(build.join("compile_commands.json")).expect("compile_commands.json");
    let command = db
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("\"command\":"))
        .find(|l| l.contains("JavaScriptCore/DerivedSources/unified-sources/UnifiedSource"))
        .unwrap_or_else(|| fail("compile_commands.json has no JavaScriptCore unified source"));
    let command = command
        .trim_start_matches("\"command\":")
        .trim()
        .trim_matches(|c| c == '"' || c == ',');
    let root = partial.display().to_string();
    let mut flags = Vec::new();
    let mut words = command.split_whitespace().skip(1);
    while let Some(w) = words.next() {
        let keep = ["-D", "-I", "-O", "-std=", "-f"]
            .iter()
            .any(|p| w.starts_with(p));
        if w == "-isystem" {
            if let Some(dir) = words.next() {
                flags.push(format!("-isystem{dir}"));
            }
        } else if keep && !w.starts_with("-ffile-prefix-map") {
            flags.push(w.replace("\\\"", "\""));
        }
    }
    let text: String = flags
        .iter()
        .map(|f| f.replace(&root, "@ENGINE@") + "\n")
        .collect();
    fs::write(partial.join("shim-flags"), text).expect("write shim-flags");
}

fn prune_objects(dir: &Path) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            prune_objects(&path);
        } else if path.extension().is_some_and(|e| e == "o") {
            let _ = fs::remove_file(path);
        }
    }
}

/// Rewrites each absolute symlink under `dir` that points inside `root` as a relative one, so the
/// root stays valid when renamed or copied (as the flake copies it into the store).
fn relative_symlinks(dir: &Path, root: &Path) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            relative_symlinks(&path, root);
            continue;
        }
        if !kind.is_symlink() {
            continue;
        }
        let Ok(target) = fs::read_link(&path) else {
            continue;
        };
        if !target.is_absolute() || !target.starts_with(root) {
            continue;
        }
        let from = path.parent().expect("a symlink has a folder");
        let relative = relative_path(from, &target);
        fs::remove_file(&path).expect("remove absolute symlink");
        std::os::unix::fs::symlink(&relative, &path).expect("write relative symlink");
    }
}

/// The path from folder `from` to `to`, both absolute.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path: PathBuf = from[common..].iter().map(|_| "..").collect();
    path.extend(&to[common..]);
    path
}
