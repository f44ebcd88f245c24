# Evaluates flake.nix's outputs without the network: nixpkgs is replaced by a stand-in whose
# builders return their arguments, so the wiring can be checked (the pinned tarball reaches the
# engine build, the engine reaches nexus, the app runs bin/nexus). Nothing is built. Used by
# packaging/nix/check:
#   nix-instantiate --eval --strict --json packaging/nix/eval.nix --argstr url U --argstr sha256 S
{ url, sha256 }:
let
  flake = import ../../flake.nix;
  derivation = args: args // {
    type = "derivation";
    outPath = "/nix/store/00000000000000000000000000000000-${args.pname or args.name or "shell"}";
  };
  tool = name: derivation { inherit name; };
  stub = {
    legacyPackages.x86_64-linux = {
      lib = {
        fileset = {
          toSource = { root, fileset }: derivation { name = "source"; };
          unions = paths: paths;
        };
        getDev = pkg: pkg;
        licenses = { mit = "MIT"; lgpl2Plus = "LGPL-2.0+"; bsd2 = "BSD-2-Clause"; };
      };
      # Only the pin's tarball may be fetched: anything else fails the evaluation.
      fetchurl =
        args:
        if args.url == url && args.sha256 == sha256 then
          derivation args
        else
          throw "fetchurl ${args.url} (sha256 ${args.sha256}), but webkit.toml pins ${url} (sha256 ${sha256})";
      icu = (tool "icu") // { overrideAttrs = attrs: (tool "icu-static") // attrs; };
      llvmPackages.clang = tool "clang";
      rustPlatform.buildRustPackage = derivation;
      mkShell = derivation;
    } // builtins.listToAttrs (map (n: { name = n; value = tool n; }) [
      "cmake" "ninja" "perl" "pkg-config" "python3" "ruby" "installShellFiles"
      "cargo" "rustc" "clippy" "rustfmt" "nodejs" "curl"
    ]);
  };
  outputs = flake.outputs { self = outputs; nixpkgs = stub; };
  system = "x86_64-linux";
  nexus = outputs.packages.${system}.nexus;
  engine = outputs.packages.${system}.engine;
  tarball = engine.env.NEXUS_WEBKIT_TARBALL;
  shell = outputs.devShells.${system}.default;
  checks = {
    "the flake's inputs pin nixpkgs" = flake.inputs.nixpkgs.url == "github:NixOS/nixpkgs/nixos-25.11";
    "packages.default is nexus" = outputs.packages.${system}.default == nexus;
    "apps.nexus runs bin/nexus of packages.nexus" =
      outputs.apps.${system}.nexus == { type = "app"; program = "${nexus}/bin/nexus"; };
    "apps.default is apps.nexus" = outputs.apps.${system}.default == outputs.apps.${system}.nexus;
    "the engine builds from the pinned tarball (URL and sha256 of webkit.toml)" =
      builtins.match "/nix/store/[0-9a-z]{32}-webkitgtk-.*[.]tar[.]xz" tarball != null;
    "the engine gets a writable cache dir" =
      builtins.match ".*export NEXUS_CACHE_DIR=[$]TMPDIR/.*" engine.preBuild != null;
    "the engine is built from javascriptcore-sys alone" = engine.cargoBuildFlags == [ "-p" "javascriptcore-sys" ];
    "nexus links the engine of packages.engine" = nexus.env.NEXUS_JSC_PREFIX == "${engine}";
    "nexus and the engine vendor the crates of Cargo.lock" =
      nexus.cargoLock.lockFile == ../../Cargo.lock && engine.cargoLock.lockFile == ../../Cargo.lock;
    "nexus is version of Cargo.toml" =
      nexus.version == (builtins.fromTOML (builtins.readFile ../../Cargo.toml)).package.version;
    "nexus installs the man page and completions" =
      builtins.match ".*installManPage.*installShellCompletion.*" (builtins.replaceStrings [ "\n" ] [ " " ] nexus.postInstall) != null;
    "the dev shell has cargo and the tarball" =
      builtins.elem (tool "cargo") shell.packages && shell.NEXUS_WEBKIT_TARBALL == tarball;
  };
in
{
  inherit checks;
  # The shell snippets of the recipe, for `bash -n`.
  scripts = {
    "engine preBuild" = engine.preBuild;
    "engine installPhase" = engine.installPhase;
    "nexus postInstall" = nexus.postInstall;
  };
}
